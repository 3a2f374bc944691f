"""quality_scale.yaml: every rule listed, and the claims a test can check are true.

hassfest skips the quality scale of custom integrations, so this file is what keeps
quality_scale.yaml honest. Each `done` rule is backed by a static check below, by the README,
or by behaviour tests marked `@backs(rule)` (here or beside the code they test), which the
session's end checks have passed (tests/conftest.py); each exemption by a check that its
reason holds.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
import importlib
import inspect
import json
from pathlib import Path
import re
import tomllib
from types import ModuleType
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.typing import UNDEFINED
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import yaml

import custom_components.blue_current as integration
from custom_components.blue_current.api.bluecurrent import BlueCurrentClient
from custom_components.blue_current.config_flow import BlueCurrentConfigFlow
from custom_components.blue_current.const import CONF_API_TOKEN, CONF_SERVER_URL, DOMAIN
from simulator.server import Simulator
from tests.paths import REPO
from tests.quality import backs

from .conftest import CUSTOMER_ID, EMAIL

ROOT = REPO
INTEGRATION = ROOT / "custom_components" / DOMAIN
TESTS = Path(__file__).parent

RULES_BY_TIER: dict[str, tuple[str, ...]] = {
    "bronze": (
        "action-setup",
        "appropriate-polling",
        "brands",
        "common-modules",
        "config-flow-test-coverage",
        "config-flow",
        "dependency-transparency",
        "docs-actions",
        "docs-conditions",
        "docs-high-level-description",
        "docs-installation-instructions",
        "docs-removal-instructions",
        "docs-triggers",
        "entity-event-setup",
        "entity-unique-id",
        "has-entity-name",
        "runtime-data",
        "test-before-configure",
        "test-before-setup",
        "unique-config-entry",
    ),
    "silver": (
        "action-exceptions",
        "config-entry-unloading",
        "docs-configuration-parameters",
        "docs-installation-parameters",
        "entity-unavailable",
        "integration-owner",
        "log-when-unavailable",
        "parallel-updates",
        "reauthentication-flow",
        "test-coverage",
    ),
    "gold": (
        "devices",
        "diagnostics",
        "discovery",
        "discovery-update-info",
        "docs-data-update",
        "docs-examples",
        "docs-known-limitations",
        "docs-supported-devices",
        "docs-supported-functions",
        "docs-troubleshooting",
        "docs-use-cases",
        "dynamic-devices",
        "entity-category",
        "entity-device-class",
        "entity-disabled-by-default",
        "entity-translations",
        "exception-translations",
        "icon-translations",
        "reconfiguration-flow",
        "repair-issues",
        "stale-devices",
    ),
    "platinum": ("async-dependency", "inject-websession", "strict-typing"),
}
ALL_RULES = [rule for rules in RULES_BY_TIER.values() for rule in rules]

TRANSLATED_EXCEPTIONS = {
    "HomeAssistantError",
    "ServiceValidationError",
    "ConfigEntryError",
    "ConfigEntryNotReady",
    "ConfigEntryAuthFailed",
    "UpdateFailed",
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


# Reading the integration.


def _quality_scale() -> dict[str, Any]:
    data = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    rules = data["rules"]
    assert isinstance(rules, dict)
    return rules


def _status(rule: str) -> str:
    value = _quality_scale()[rule]
    return str(value if isinstance(value, str) else value["status"])


def _json(name: str) -> dict[str, Any]:
    data = json.loads((INTEGRATION / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


PRODUCTS = ("bluecurrent", "shell_recharge")


def _platform_names() -> list[str]:
    return sorted(p.value for p in Platform if (INTEGRATION / f"{p.value}.py").exists())


def _product_files(name: str) -> list[Path]:
    """A module of each product that has one, e.g. both flow.py files."""
    return [
        INTEGRATION / product / name
        for product in PRODUCTS
        if (INTEGRATION / product / name).exists()
    ]


def _platform_modules() -> list[ModuleType]:
    """Each product's platform modules: where the descriptions and entities are."""
    return [
        importlib.import_module(f"{integration.__name__}.{product}.{name}")
        for product in PRODUCTS
        for name in _platform_names()
        if (INTEGRATION / product / f"{name}.py").exists()
    ]


def _calls_in(*paths: Path) -> set[str | None]:
    return {_called_name(c) for path in paths for c in _calls(_tree(path))}


def _source_files() -> list[Path]:
    """The integration's Home Assistant side (api/ is HA-independent)."""
    return sorted(
        p for p in INTEGRATION.rglob("*.py") if "api" not in p.relative_to(INTEGRATION).parts
    )


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _calls(tree: ast.AST) -> Iterator[ast.Call]:
    yield from (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _function(tree: ast.Module, name: str) -> ast.AsyncFunctionDef | ast.FunctionDef:
    for node in ast.walk(tree):
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef) and node.name == name:
            return node
    raise AssertionError(f"no function {name}")


def _descriptions(module: ModuleType) -> list[EntityDescription]:
    """Entity descriptions a platform module defines, alone or in tuples and lists."""
    found: list[EntityDescription] = []
    for value in vars(module).values():
        items = value if isinstance(value, tuple | list) else (value,)
        found.extend(item for item in items if _is_description(item))
    return found


def _is_description(value: object) -> bool:
    # Home Assistant's frozen/thawed dataclass compatibility makes separate classes, so
    # the plain SelectEntityDescription is no instance of EntityDescription: go by name.
    return isinstance(value, EntityDescription) or any(
        cls.__name__ == "EntityDescription" for cls in type(value).__mro__
    )


def _entity_classes() -> list[type[Entity]]:
    classes: list[type[Entity]] = []
    entity_modules = [
        importlib.import_module(f"{integration.__name__}.{p}.entity") for p in PRODUCTS
    ]
    for module in [*_platform_modules(), *entity_modules]:
        classes.extend(
            cls
            for cls in vars(module).values()
            if inspect.isclass(cls)
            and issubclass(cls, Entity)
            and cls.__module__ == module.__name__
        )
    return classes


# The file itself.


def test_every_rule_listed_once_with_a_valid_status() -> None:
    rules = _quality_scale()
    assert sorted(rules) == sorted(ALL_RULES)
    for rule, value in rules.items():
        if isinstance(value, str):
            assert value in ("done", "todo"), rule
            continue
        assert isinstance(value, dict), rule
        assert set(value) <= {"status", "comment"}, rule
        assert value["status"] in ("done", "todo", "exempt"), rule
        if value["status"] == "exempt":
            assert str(value.get("comment", "")).strip(), f"{rule}: an exemption needs a reason"


# Static checks of `done` claims.


def _check_common_modules() -> None:
    for product in PRODUCTS:
        assert (INTEGRATION / product / "coordinator.py").is_file()
        assert (INTEGRATION / product / "entity.py").is_file()


def _check_config_flow() -> None:
    assert _json("manifest.json")["config_flow"] is True
    steps: dict[str, Any] = _json("strings.json")["config"]["step"]
    for step_id, step in steps.items():
        parts = [step, *step.get("sections", {}).values()]
        for part in parts:
            described = set(part.get("data_description", {}))
            assert set(part.get("data", {})) <= described, f"{step_id}: field without description"
    # Every error and abort reason the flow uses has a message.
    config = _json("strings.json")["config"]
    calls = [c for path in _product_files("flow.py") for c in _calls(_tree(path))]
    for call in calls:
        if _called_name(call) == "FormError" and isinstance(call.args[0], ast.Constant):
            assert call.args[0].value in config["error"]
        for keyword in call.keywords:
            if keyword.arg == "reason" and isinstance(keyword.value, ast.Constant):
                assert keyword.value.value in config["abort"]


def _check_config_flow_test_coverage() -> None:
    # 100 % line coverage is measured by running this module with --cov (see the report).
    assert (TESTS / "test_config_flow.py").is_file()
    assert (TESTS.parents[1] / "shell_recharge" / "integration" / "test_config_flow.py").is_file()


def _check_test_before_configure() -> None:
    account, card = _product_files("flow.py")
    assert {"get_account", "async_create_entry"} <= _calls_in(account)
    assert {"authenticate", "active", "async_create_entry"} <= _calls_in(card)


def _check_unique_config_entry() -> None:
    for flow in _product_files("flow.py"):
        assert {"async_set_unique_id", "_abort_if_unique_id_configured"} <= _calls_in(flow)


def _check_runtime_data() -> None:
    for product, function in (
        ("bluecurrent", "async_setup_account"),
        ("shell_recharge", "async_setup_card"),
    ):
        setup = _function(_tree(INTEGRATION / product / "__init__.py"), function)
        assigned = [
            target
            for node in ast.walk(setup)
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Attribute) and target.attr == "runtime_data"
        ]
        assert assigned, f"{function} does not set entry.runtime_data"


def _check_has_entity_name() -> None:
    classes = _entity_classes()
    assert classes
    for cls in classes:
        # An instance without __init__ reads the class defaults through Entity's properties.
        entity = cls.__new__(cls)
        assert entity.has_entity_name is True, cls.__name__


def _check_entity_event_setup() -> None:
    added = _function(_tree(INTEGRATION / "bluecurrent" / "entity.py"), "async_added_to_hass")
    assert "async_on_remove" in {_called_name(c) for c in _calls(added)}


def _check_parallel_updates() -> None:
    platforms = {*integration.ACCOUNT_PLATFORMS, *integration.CARD_PLATFORMS}
    assert set(_platform_names()) == {p.value for p in platforms}
    # Home Assistant reads PARALLEL_UPDATES from the platform modules it loads: the top level.
    for name in _platform_names():
        module = importlib.import_module(f"{integration.__name__}.{name}")
        assert isinstance(getattr(module, "PARALLEL_UPDATES", None), int), module.__name__


def _check_config_entry_unloading() -> None:
    assert inspect.iscoroutinefunction(integration.async_unload_entry)


def _check_integration_owner() -> None:
    assert _json("manifest.json")["codeowners"]


def _check_reauthentication_flow() -> None:
    assert "async_step_reauth" in vars(BlueCurrentConfigFlow)
    assert callable(BlueCurrentConfigFlow.async_step_reauth_confirm)
    assert callable(BlueCurrentConfigFlow.async_step_shell_reauth_confirm)


def _check_reconfiguration_flow() -> None:
    assert "async_step_reconfigure" in vars(BlueCurrentConfigFlow)


def _check_diagnostics() -> None:
    diagnostics = importlib.import_module(f"{integration.__name__}.diagnostics")
    assert inspect.iscoroutinefunction(diagnostics.async_get_config_entry_diagnostics)
    account = importlib.import_module(f"{integration.__name__}.bluecurrent.diagnostics")
    assert {CONF_API_TOKEN, "email", "title", "unique_id"} <= account.TO_REDACT


def _check_entity_translations() -> None:
    entity_strings: dict[str, Any] = _json("strings.json")["entity"]
    for module in _platform_modules():
        platform = module.__name__.rsplit(".", 1)[1]
        descriptions = _descriptions(module)
        assert descriptions, f"{platform} defines no entity descriptions"
        for description in descriptions:
            key = description.translation_key
            assert key is not None, f"{platform}.{description.key} has no translation_key"
            assert key in entity_strings.get(platform, {}), f"{platform}.{key} not in strings"
            assert description.name in (UNDEFINED, None), f"{platform}.{key} hard-codes a name"


def _check_icon_translations() -> None:
    icons = _json("icons.json")
    assert icons["entity"]
    for module in _platform_modules():
        for description in _descriptions(module):
            assert description.icon is None, f"{description.key} sets its icon in code"
    for path in _source_files():
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Attribute | ast.Name):
                name = node.attr if isinstance(node, ast.Attribute) else node.id
                assert name != "_attr_icon", f"{path.name} sets _attr_icon"


def _check_exception_translations() -> None:
    messages = {key: value["message"] for key, value in _json("strings.json")["exceptions"].items()}
    raises = 0
    for path in _source_files():
        for node in ast.walk(_tree(path)):
            if not isinstance(node, ast.Raise) or node.exc is None:
                continue
            exc = node.exc
            name = _called_name(exc) if isinstance(exc, ast.Call) else getattr(exc, "id", None)
            if name not in TRANSLATED_EXCEPTIONS:
                continue
            raises += 1
            where = f"{path.name}:{node.lineno}"
            assert isinstance(exc, ast.Call), f"{where}: {name} raised without a translation"
            keywords = {k.arg: k.value for k in exc.keywords}
            domain, key = keywords.get("translation_domain"), keywords.get("translation_key")
            assert isinstance(domain, ast.Name), where
            assert domain.id == "DOMAIN", where
            if path.name == "sessions.py" and isinstance(key, ast.JoinedStr):
                _check_shell_failure_messages(messages)
                continue
            if path.name == "commands.py" and isinstance(key, ast.Name):
                _check_command_messages(messages)
                continue
            assert isinstance(key, ast.Constant), f"{where}: translation_key must be a literal"
            assert key.value in messages, f"{where}: {key.value} not in strings.json exceptions"
            placeholders = keywords.get("translation_placeholders")
            needed = set(PLACEHOLDER.findall(messages[key.value]))
            if placeholders is None:
                assert not needed, f"{where}: {key.value} needs placeholders {needed}"
            elif isinstance(placeholders, ast.Dict) and None not in placeholders.keys:
                given = {k.value for k in placeholders.keys if isinstance(k, ast.Constant)}
                assert given == needed, f"{where}: placeholders {given} != {needed}"
    assert raises, "no translated exceptions found at all"


def _check_test_coverage() -> None:
    """scripts/test (CI's command) fails under 95 % line coverage of the integration."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    coverage = pyproject["tool"]["coverage"]
    assert coverage["report"]["fail_under"] >= 95
    assert "custom_components" in coverage["run"]["source"]
    assert "--cov" in (ROOT / "scripts" / "test").read_text(encoding="utf-8")


def _check_command_messages(messages: dict[str, str]) -> None:
    """commands.py raises one of MESSAGE_KEYS, each naming the charge point: check them."""
    from custom_components.blue_current.bluecurrent.commands import (
        MESSAGE_KEYS,
        Command,
        Why,
    )

    assert {f"{command}_{why}" for command in Command for why in Why} <= MESSAGE_KEYS
    for key in MESSAGE_KEYS:
        assert key in messages, f"{key} not in strings.json exceptions"
        assert set(PLACEHOLDER.findall(messages[key])) == {"charge_point"}, key


def _check_shell_failure_messages(messages: dict[str, str]) -> None:
    """sessions.py raises "shell_<reason>" with a table of placeholders: check the table."""
    from custom_components.blue_current.shell_recharge.models import FailureReason
    from custom_components.blue_current.shell_recharge.sessions import _PLACEHOLDERS

    assert set(_PLACEHOLDERS) == set(FailureReason)
    for reason, names in _PLACEHOLDERS.items():
        key = f"shell_{reason.value}"
        assert key in messages, f"{key} not in strings.json exceptions"
        assert set(PLACEHOLDER.findall(messages[key])) == set(names), key


def _check_repair_issues() -> None:
    assert _json("strings.json")["issues"]
    called = {_called_name(c) for p in _source_files() for c in _calls(_tree(p))}
    assert "async_create_issue" in called


def _check_dynamic_devices() -> None:
    # Accounts gain and lose charge points; a Shell Recharge card entry is one fixed device.
    for module in _platform_modules():
        if ".bluecurrent." not in module.__name__:
            continue
        # Its set-up is made by the helper that adds entities as charge points appear.
        assert (
            module.async_setup_entry.__qualname__
            == "setup_per_charge_point.<locals>.async_setup_entry"
        ), module.__name__


def _check_entity_category() -> None:
    descriptions = [d for m in _platform_modules() for d in _descriptions(m)]
    assert any(d.entity_category is not None for d in descriptions)


def _check_entity_device_class() -> None:
    sensors = [m for m in _platform_modules() if m.__name__.endswith(".sensor")]
    for description in (d for m in sensors for d in _descriptions(m)):
        unit = getattr(description, "native_unit_of_measurement", None)
        if unit is not None:
            assert description.device_class is not None, f"{description.key}: unit, no class"


def _check_entity_disabled_by_default() -> None:
    descriptions = [d for m in _platform_modules() for d in _descriptions(m)]
    assert any(not d.entity_registry_enabled_default for d in descriptions)


def _check_async_dependency() -> None:
    for name in ("validate_token", "get_account", "run", "disconnect", "start_session"):
        assert inspect.iscoroutinefunction(getattr(BlueCurrentClient, name)), name


def _check_inject_websession() -> None:
    parameters = list(inspect.signature(BlueCurrentClient).parameters)
    assert parameters[0] == "session"
    for product in PRODUCTS:
        for name in ("__init__.py", "flow.py"):
            called = _calls_in(INTEGRATION / product / name)
            assert "async_get_clientsession" in called, f"{product}/{name}"


def _check_strict_typing() -> None:
    lint = (ROOT / "scripts" / "lint").read_text(encoding="utf-8")
    assert "scripts/lint" in (ROOT / "scripts" / "test").read_text(encoding="utf-8")
    assert "typed=(custom_components " in lint
    assert "mypy --strict" in lint
    assert _json("manifest.json")["requirements"] == []
    # Like hassfest's runtime_data validator: the typed entry is used wherever an entry is.
    typed = re.compile(r"^[A-Za-z]+ConfigEntry$")
    functions = [("__init__.py", "async_setup_entry"), ("__init__.py", "async_unload_entry")]
    functions.append(("diagnostics.py", "async_get_config_entry_diagnostics"))
    functions += [(f"{name}.py", "async_setup_entry") for name in _platform_names()]
    for filename, function in functions:
        node = _function(_tree(INTEGRATION / filename), function)
        annotation = node.args.args[1].annotation
        assert isinstance(annotation, ast.Name), f"{filename}:{function}"
        assert typed.match(annotation.id), f"{filename}:{function} takes {annotation.id}"
        assert annotation.id != "ConfigEntry", f"{filename}:{function}"


STATIC_CHECKS: dict[str, Callable[[], None]] = {
    "common-modules": _check_common_modules,
    "config-flow": _check_config_flow,
    "config-flow-test-coverage": _check_config_flow_test_coverage,
    "test-coverage": _check_test_coverage,
    "test-before-configure": _check_test_before_configure,
    "unique-config-entry": _check_unique_config_entry,
    "runtime-data": _check_runtime_data,
    "has-entity-name": _check_has_entity_name,
    "entity-event-setup": _check_entity_event_setup,
    "parallel-updates": _check_parallel_updates,
    "config-entry-unloading": _check_config_entry_unloading,
    "integration-owner": _check_integration_owner,
    "reauthentication-flow": _check_reauthentication_flow,
    "reconfiguration-flow": _check_reconfiguration_flow,
    "diagnostics": _check_diagnostics,
    "entity-translations": _check_entity_translations,
    "icon-translations": _check_icon_translations,
    "exception-translations": _check_exception_translations,
    "repair-issues": _check_repair_issues,
    "dynamic-devices": _check_dynamic_devices,
    "entity-category": _check_entity_category,
    "entity-device-class": _check_entity_device_class,
    "entity-disabled-by-default": _check_entity_disabled_by_default,
    "async-dependency": _check_async_dependency,
    "inject-websession": _check_inject_websession,
    "strict-typing": _check_strict_typing,
}


@pytest.mark.parametrize("rule", sorted(STATIC_CHECKS))
def test_done_claim_holds(rule: str) -> None:
    assert _status(rule) == "done", f"{rule}: update quality_scale.yaml or this test"
    STATIC_CHECKS[rule]()


def rules_backed_by_behaviour() -> set[str]:
    """The done rules no static check or README section backs: behaviour tests must."""
    done = {rule for rule in ALL_RULES if _status(rule) == "done"}
    # Docs rules are checked against the README, brands by test_brands_claim.
    return done - set(STATIC_CHECKS) - set(DOCS_EVIDENCE) - {"brands"}


def test_every_behaviour_rule_has_a_marked_test() -> None:
    """Each such rule has a test marked @backs(rule); the session's end checks it passed."""
    marked: set[str] = set()
    for path in TESTS.parents[1].rglob("test_*.py"):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Call) and _called_name(node) == "backs":
                marked.update(a.value for a in node.args if isinstance(a, ast.Constant))
    missing = rules_backed_by_behaviour() - marked
    assert missing == set(), f"done without a check: {sorted(missing)}"


# Exemptions: the stated reason must hold.


def _exempt_dependency_transparency() -> None:
    assert _json("manifest.json")["requirements"] == []
    assert (INTEGRATION / "api" / "bluecurrent" / "client.py").is_file()


def _exempt_docs_conditions() -> None:
    assert not (INTEGRATION / "conditions.yaml").exists()
    assert not (INTEGRATION / "condition.py").exists()


def _exempt_docs_triggers() -> None:
    assert not (INTEGRATION / "triggers.yaml").exists()
    assert not (INTEGRATION / "trigger.py").exists()
    assert not (INTEGRATION / "device_trigger.py").exists()


def _exempt_discovery() -> None:
    manifest = _json("manifest.json")
    discovery_keys = {"zeroconf", "dhcp", "ssdp", "usb", "bluetooth", "mqtt", "homekit"}
    assert not discovery_keys & set(manifest)


EXEMPTION_CHECKS: dict[str, Callable[[], None]] = {
    "dependency-transparency": _exempt_dependency_transparency,
    "docs-conditions": _exempt_docs_conditions,
    "docs-triggers": _exempt_docs_triggers,
    "discovery": _exempt_discovery,
    "discovery-update-info": _exempt_discovery,
}


def test_exemptions_hold() -> None:
    exempt = {rule for rule in ALL_RULES if _status(rule) == "exempt"}
    assert exempt == set(EXEMPTION_CHECKS)
    for check in EXEMPTION_CHECKS.values():
        check()


# Claims about files that do not exist yet: `done` must come with the evidence.

DOCS_EVIDENCE: dict[str, str] = {
    "docs-actions": r"start_charge_session",
    "docs-configuration-parameters": r"(?im)^#+ .*options",
    "docs-high-level-description": r"(?im)^#+ .*(about|what)",
    "docs-installation-instructions": r"(?im)^#+ .*install",
    "docs-installation-parameters": r"(?im)api token.*\n(.*\n)*.*server url",
    "docs-removal-instructions": r"(?im)^#+ .*remov",
    "docs-data-update": r"(?im)^#+ .*(data update|how .* updates)",
    "docs-examples": r"(?im)^#+ .*example",
    "docs-known-limitations": r"(?im)^#+ .*limitation",
    "docs-supported-devices": r"(?im)^#+ .*supported (devices|charge points)",
    "docs-supported-functions": r"(?im)^#+ .*(entities|supported functions)",
    "docs-troubleshooting": r"(?im)^#+ .*troubleshoot",
    "docs-use-cases": r"(?im)^#+ .*use cases",
}


def test_docs_claims_have_readme_sections() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    docs_rules = {rule for rule in ALL_RULES if rule.startswith("docs-")}
    assert docs_rules == set(DOCS_EVIDENCE) | set(EXEMPTION_CHECKS) & docs_rules
    for rule, evidence in DOCS_EVIDENCE.items():
        if _status(rule) == "done":
            assert re.search(evidence, readme), f"{rule} is done, but README lacks it"


def test_brands_claim() -> None:
    if _status("brands") == "done":
        assert (INTEGRATION / "brand" / "icon.png").is_file()
    else:
        assert _status("brands") == "todo"


# Behaviour.


@backs("action-setup", "action-exceptions")
async def test_action_setup_and_exceptions(hass: HomeAssistant) -> None:
    """Actions exist without any entry, and a bad device is a translated validation error."""
    assert await async_setup_component(hass, DOMAIN, {})
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text(encoding="utf-8"))
    for service in services:
        assert hass.services.has_service(DOMAIN, service), service

    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN, "stop_charge_session", {ATTR_DEVICE_ID: "no-such-device"}, blocking=True
        )
    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == "device_not_found"


@backs("test-before-setup")
async def test_before_setup_refused_token(hass: HomeAssistant, bc_simulator: Simulator) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=EMAIL,
        unique_id=CUSTOMER_ID,
        data={CONF_API_TOKEN: "revoked-token", CONF_SERVER_URL: bc_simulator.bluecurrent_url},
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_before_setup_unreachable(
    hass: HomeAssistant, bc_simulator: Simulator, account_entry: MockConfigEntry
) -> None:
    await bc_simulator.stop()
    account_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(account_entry.entry_id)
    await hass.async_block_till_done()

    assert account_entry.state is ConfigEntryState.SETUP_RETRY


@backs("entity-unique-id", "devices")
async def test_entities_unique_named_and_on_devices(
    hass: HomeAssistant, setup_account: MockConfigEntry
) -> None:
    """Every entity is in the registry (so has a unique id), has an entity name, a device."""
    registry = er.async_get(hass)
    entries = er.async_entries_for_config_entry(registry, setup_account.entry_id)
    assert entries
    assert {e.entity_id for e in entries if e.disabled_by is None} == set(
        hass.states.async_entity_ids()
    )
    devices = {
        d.id for d in dr.async_entries_for_config_entry(dr.async_get(hass), setup_account.entry_id)
    }
    for entry in entries:
        assert entry.has_entity_name, entry.entity_id
        assert entry.translation_key, entry.entity_id
        assert entry.device_id in devices, entry.entity_id
