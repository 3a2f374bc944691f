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

    @property
    def advanced_open(self) -> bool:
        """Whether the advanced section must be open: it holds the error."""
        return SECTION_ADVANCED in self.errors

    def shown(self) -> dict[str, Any]:
        """The errors and description placeholders for async_show_form.

        Only this showing's errors: an error of an earlier try never stays next to them.
        """
        return {"errors": self.errors, "description_placeholders": self.placeholders}


# A server URL is for testing against another server; it sits in a collapsed section.
SECTION_ADVANCED = "advanced"
URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
SECRET_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off")
)
TEXT_SELECTOR = TextSelector()


def advanced_section(*, open_: bool = False) -> section:
    """The advanced section (the server URL): collapsed, unless it holds the error."""
    return section(
        probatio.Schema({probatio.Optional(CONF_SERVER_URL): URL_SELECTOR}),
        {"collapsed": not open_},
    )


def filled_in(user_input: Mapping[str, Any], key: str, error: str) -> str:
    """The field's text without surrounding white space; FormError `error` at it when blank.

    Fields we check this way are optional in the schema, so the frontend sends a blank
    field instead of showing its own "not all required fields" next to an older error.
    """
    text = str(user_input.get(key) or "").strip()
    if not text:
        raise FormError(error, field=key)
    return text


def is_url(text: str, schemes: frozenset[str]) -> bool:
    """Whether `text` is a URL with one of these schemes and a host."""
    try:
        parsed = URL(text)
    except ValueError:
        return False
    return parsed.scheme in schemes and bool(parsed.host)


def advanced_server_url(
    user_input: Mapping[str, Any], schemes: frozenset[str], error: str
) -> str | None:
    """The server URL of the advanced section (None: the default server).

    A URL without one of `schemes` and a host raises FormError `error` at the section.
    """
    advanced: Mapping[str, Any] = user_input.get(SECTION_ADVANCED) or {}
    url = str(advanced.get(CONF_SERVER_URL) or "").strip() or None
    if url is not None and not is_url(url, schemes):
        raise FormError(error, field=SECTION_ADVANCED)
    return url
