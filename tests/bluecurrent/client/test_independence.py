"""The clients below api/ must stay usable without Home Assistant."""

import ast
from pathlib import Path

API_DIR = Path(__file__).parents[3] / "custom_components" / "blue_current" / "api"


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_api_never_imports_home_assistant() -> None:
    files = sorted(API_DIR.rglob("*.py"))
    assert files, "the api package has no modules"
    offenders = {
        str(path.relative_to(API_DIR)): sorted(
            m for m in _imported_modules(path) if m.split(".")[0] == "homeassistant"
        )
        for path in files
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}
