"""The repository explains itself, and its checks look at what it holds.

`scripts/lint` (run by `scripts/test`) lints the Python files git tracks, so that a scratch
file lying around untracked does not fail the checks; CONTRIBUTING.md documents the toolchain,
and no file sends a reader to a document the repository does not have.
"""

from __future__ import annotations

from pathlib import Path
import re
import shutil
import subprocess

import pytest

from .stack import REPO

GIT = shutil.which("git")
BROKEN = "x=1;import os\n"  # fails ruff: two statements, unsorted, unformatted
# A design note and a folder that live outside the repository (spelt in parts, so that this
# file does not name them itself).
ELSEWHERE = re.compile("|".join([re.escape("DESIGN" + ".md"), re.escape("/work" + "/shared")]))


def _git(repo: Path, *args: str) -> str:
    assert GIT is not None, "no git: run scripts/setup (it installs git)"
    command = [GIT, "-C", str(repo), *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


LOCAL = {".git", ".venv", "config", "__pycache__", ".mypy_cache", ".ruff_cache", "out"}


def _repository_files() -> list[Path]:
    """The files git tracks; where git cannot see the repository (a worktree whose main
    checkout is not mounted here), every file but local state, caches and the venv."""
    try:
        return [REPO / name for name in _git(REPO, "ls-files").splitlines()]
    except subprocess.CalledProcessError:
        return [
            path
            for path in REPO.rglob("*")
            if path.is_file() and not LOCAL & set(path.relative_to(REPO).parts)
        ]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_lint_looks_at_what_git_tracks(tmp_path: Path) -> None:
    """Tracked and `git add`ed files are checked; untracked and deleted ones are not."""
    repo = tmp_path / "checkout"
    _write(repo / "scripts" / "lint", (REPO / "scripts" / "lint").read_text(encoding="utf-8"))
    committed = [
        "custom_components/blue_current/api/client.py",
        "simulator/server.py",
        "bench/cli.py",
        "tests/test_client.py",
        "conftest.py",
        "README.md",
    ]
    for name in committed:
        _write(repo / name, '"""A module."""\n')
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "c")
    (repo / "bench" / "cli.py").unlink()  # deleted, not yet committed
    _write(repo / "tests" / "test_new.py", '"""Added."""\n')
    _git(repo, "add", "tests/test_new.py")  # staged: part of the repository now
    _write(repo / "scratch.py", BROKEN)  # untracked scratch files, anywhere
    _write(repo / "custom_components" / "blue_current" / "try.py", BROKEN)
    _write(repo / "tests" / "notes_test.py", BROKEN)

    listing = subprocess.run(
        ["bash", str(repo / "scripts" / "lint"), "--list"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.splitlines()

    assert [line.removeprefix("ruff: ") for line in listing if line.startswith("ruff: ")] == [
        "conftest.py",
        "custom_components/blue_current/api/client.py",
        "simulator/server.py",
        "tests/test_client.py",
        "tests/test_new.py",
    ]
    assert [line.removeprefix("mypy: ") for line in listing if line.startswith("mypy: ")] == [
        "custom_components/blue_current/api/client.py",
        "simulator/server.py",
    ]


def test_scripts_test_lints_through_scripts_lint() -> None:
    """scripts/test runs scripts/lint and lints nothing by folder itself."""
    text = (REPO / "scripts" / "test").read_text(encoding="utf-8")
    commands = [line.strip() for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert any(line.startswith("scripts/lint") for line in commands)
    assert not any(re.search(r"\b(ruff|mypy)\b", line) for line in commands)


def test_no_file_points_at_a_document_that_is_not_here() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for path in _repository_files()
        if path.is_file()
        and path.suffix not in {".png", ".ico"}
        and ELSEWHERE.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert offenders == []


def test_contributing_is_linked_and_names_what_exists() -> None:
    """CONTRIBUTING.md is linked from the README, and every path it names is there."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    contributing = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "(CONTRIBUTING.md)" in readme
    for section in ("## Python 3.14", "## Running tests", "## The simulators", "## The benchmark"):
        assert section in contributing
    named = set(
        re.findall(
            r"`((?:scripts|tests|simulator|bench|config|custom_components)/[^`\s:]*)", contributing
        )
    )
    assert len(named) > 15
    for path in sorted(named):
        assert (REPO / path.rstrip("/")).exists(), path
    layout = re.findall(r"^\| `(tests/[a-z0-9_/]+)`", contributing, re.MULTILINE)
    assert layout == [
        f"tests/{folder}"
        for folder in (
            "bluecurrent/client",
            "bluecurrent/simulator",
            "bluecurrent/state",
            "bluecurrent/integration",
            "shell_recharge/client",
            "shell_recharge/simulator",
            "shell_recharge/integration",
            "e2e",
            "bench",
        )
    ]
    tests_on_disk = {
        str(path.parent.relative_to(REPO)) for path in (REPO / "tests").glob("*/**/test_*.py")
    }
    assert tests_on_disk <= set(layout)


@pytest.mark.parametrize("command", ["setup", "test", "lint", "develop", "bench", "run"])
def test_every_script_is_documented(command: str) -> None:
    contributing = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert f"`scripts/{command}" in contributing
    assert (REPO / "scripts" / command).stat().st_mode & 0o111  # executable
