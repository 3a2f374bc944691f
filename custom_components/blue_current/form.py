"""What both products' config-flow steps share: check the input, or show the form again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import TextSelector, TextSelectorConfig, TextSelectorType
import probatio
from yarl import URL

from .const import CONF_SERVER_URL


class FormError(Exception):
    """A problem to show on the form: a key of `config.error`, its field and placeholders."""

    def __init__(
        self,
        error: str,
        placeholders: Mapping[str, str] | None = None,
        *,
        field: str = "base",
    ) -> None:
        """Show `error` at `field` (base: above the form) with these placeholders."""
        super().__init__(error)
        self.error = error
        self.field = field
        self.placeholders = dict(placeholders or {})


@dataclass(slots=True)
class FormCheck:
    """The errors and placeholders of one showing of a form."""

    placeholders: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    async def attempt[T](self, check: Callable[[], Awaitable[T]]) -> T | None:
        """The check's result; None after a FormError, which the form then shows."""
        try:
            return await check()
        except FormError as err:
            self.errors[err.field] = err.error
            self.placeholders.update(err.placeholders)
            return None

    def shown(self) -> dict[str, Any]:
        """The errors and description placeholders for async_show_form."""
        return {"errors": self.errors, "description_placeholders": self.placeholders}


# A server URL is for testing against another server; it sits in a collapsed section.
SECTION_ADVANCED = "advanced"
URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
SECRET_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off")
)
TEXT_SELECTOR = TextSelector()
ADVANCED_SECTION = section(
    probatio.Schema({probatio.Optional(CONF_SERVER_URL): URL_SELECTOR}), {"collapsed": True}
)


def is_url(text: str, schemes: frozenset[str]) -> bool:
    """Whether `text` is a URL with one of these schemes and a host."""
    try:
        parsed = URL(text)
    except ValueError:
        return False
    return parsed.scheme in schemes and bool(parsed.host)


def advanced_server_url(user_input: Mapping[str, Any]) -> str | None:
    """The server URL of the advanced section (None: the default server)."""
    advanced: Mapping[str, Any] = user_input.get(SECTION_ADVANCED) or {}
    return str(advanced.get(CONF_SERVER_URL) or "").strip() or None
