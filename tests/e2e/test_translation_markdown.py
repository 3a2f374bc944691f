"""Every text of the integration shows what it says, wherever the frontend puts it.

The frontend renders some texts as Markdown (a form's description and field help, an abort
reason, a repair's description, an action field's description) and shows all others as plain
text (field names, errors, exception messages, entity names and states). In a Markdown text,
`NL*TNM*E02003451*0` loses two asterisks and shows TNM in italics; in a plain text, a backtick
or a backslash shows as itself. So a Markdown text may carry no markup but code spans (their
content shows as typed), and a plain text carries no Markdown at all.
"""

from __future__ import annotations

from collections.abc import Iterator
import fnmatch
import json
import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from playwright.async_api import expect
import pytest

from .conftest import E2E
from .stack import DOMAIN, INTEGRATION, SHELL_CARD

FILES = ["strings.json", "translations/en.json", "translations/nl.json"]

# Where the frontend renders a text with <ha-markdown> (Home Assistant 2026.10's frontend).
MARKDOWN_KEYS = [
    "config.step.*.description",
    "config.step.*.data_description.*",
    "config.step.*.sections.*.data_description.*",
    "config.abort.*",
    "config.create_entry.*",
    "config.progress.*",
    "options.step.*.description",
    "options.step.*.data_description.*",
    "options.step.*.sections.*.data_description.*",
    "options.abort.*",
    "options.create_entry.*",
    "options.progress.*",
    "issues.*.description",
    "issues.*.fix_flow.step.*.description",
    "issues.*.fix_flow.step.*.data_description.*",
    "issues.*.fix_flow.abort.*",
    "services.*.fields.*.description",
]
# What HA's renderer (marked, GitHub flavour, line breaks kept) does, as far as it matters here.
RENDERER = MarkdownIt("commonmark", {"breaks": True}).enable(["strikethrough", "table"])
CODE_SPAN = re.compile(r"`([^`\n]+)`")


def _texts(tree: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _texts(value, f"{path}.{key}" if path else key)
    elif isinstance(tree, str):
        yield path, tree


def _all_texts() -> list[tuple[str, str, str]]:
    found = []
    for name in FILES:
        tree = json.loads((INTEGRATION / name).read_text(encoding="utf-8"))
        found += [(name, key, text) for key, text in _texts(tree)]
    return found


def _is_markdown(key: str) -> bool:
    return any(fnmatch.fnmatchcase(key, pattern) for pattern in MARKDOWN_KEYS)


def _inline(token: Token) -> str:
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return "\n"
    return ""  # emphasis, links, HTML: the markup itself does not show


def shown(markdown: str) -> str:
    """The text a reader sees when `markdown` is rendered."""
    blocks = []
    for token in RENDERER.parse(markdown):
        if token.type == "inline":
            blocks.append("".join(_inline(child) for child in token.children or []))
        elif token.type in ("code_block", "fence"):
            blocks.append(token.content.rstrip("\n"))
    return "\n\n".join(blocks)


TEXTS = _all_texts()
MARKDOWN_TEXTS = [t for t in TEXTS if _is_markdown(t[1])]
PLAIN_TEXTS = [t for t in TEXTS if not _is_markdown(t[1])]


def test_the_renderer_is_the_one_that_ate_the_asterisks() -> None:
    """What the issue saw: the EVSE example in a field's help lost two asterisks."""
    assert shown("for example NL*TNM*E02003451*0 (on the charger)") == (
        "for example NLTNME02003451*0 (on the charger)"
    )
    assert shown("for example `NL*TNM*E02003451*0` (on the charger)") == (
        "for example NL*TNM*E02003451*0 (on the charger)"
    )
    assert shown("snake_case_name stays") == "snake_case_name stays"
    assert shown("_a_ and __b__") == "a and b"


def test_both_kinds_of_text_are_checked() -> None:
    keys = {key for _, key, _ in MARKDOWN_TEXTS}
    assert "options.step.init.data_description.default_evse_id" in keys
    assert "services.start_public_charge_session.fields.evse_id.description" in keys
    assert "config.step.shell_recharge.description" in keys
    assert len(PLAIN_TEXTS) > 3 * 100


@pytest.mark.parametrize("name", FILES)
def test_markdown_texts_show_what_they_say(name: str) -> None:
    """Rendered, each text reads as written (a code span shows its content)."""
    wrong = {
        key: shown(text)
        for file, key, text in MARKDOWN_TEXTS
        if file == name and shown(text) != CODE_SPAN.sub(r"\1", text).strip()
    }
    assert wrong == {}


@pytest.mark.parametrize("name", FILES)
def test_plain_texts_have_no_markdown(name: str) -> None:
    """Shown as is, a code span's backticks or an escaping backslash would show."""
    wrong = {
        key: text
        for file, key, text in PLAIN_TEXTS
        if file == name and ("`" in text or "\\" in text)
    }
    assert wrong == {}


def test_the_options_form_shows_the_evse_example(e2e: E2E) -> None:
    """In the browser: the card's options form shows the EVSE example with its asterisks."""
    example = "NL*TNM*E02003451*0"

    async def check() -> None:
        page = e2e.page
        await page.goto(f"{e2e.stack.url}/config/integrations/integration/{DOMAIN}")
        card = page.locator("ha-config-entry-row").filter(has_text=SHELL_CARD)
        await card.get_by_role("button", name="Configure").click()
        dialog = page.locator("dialog-data-entry-flow")
        help_text = dialog.locator("ha-markdown").filter(has_text="EVSE id of the charger")
        shown = help_text.locator("ha-markdown-element")  # what ha-markdown rendered
        await expect(shown).to_be_visible()
        assert example in await shown.inner_text()
        await expect(shown.locator("code")).to_have_text(example)
        await dialog.get_by_role("button", name="Close").first.click()

    e2e.run(check())
