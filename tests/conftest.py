"""Session-wide checks: the quality-scale rules backed by behaviour tests really passed."""

from __future__ import annotations

from collections.abc import Generator

import pytest

from tests.quality import MARKER

# rule -> outcomes of the tests marked for it in this session
_OUTCOMES: dict[str, list[bool]] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker (pytest warns about unknown ones)."""
    config.addinivalue_line("markers", f"{MARKER}(*rules): behaviour behind quality-scale rules")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Note on the report which rules the test backs (a report, unlike the item, reaches
    the main process when pytest-xdist runs the tests in workers)."""
    report = yield
    rules = tuple(rule for marker in item.iter_markers(MARKER) for rule in marker.args)
    if rules:
        report.user_properties.append((MARKER, rules))
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember, per rule, whether each marked test passed."""
    if not (report.when == "call" or (report.when == "setup" and not report.passed)):
        return
    for name, rules in report.user_properties:
        if name == MARKER and isinstance(rules, tuple):
            for rule in rules:
                _OUTCOMES.setdefault(rule, []).append(report.passed)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """On a whole-suite run, fail if a behaviour-backed rule has no passing test."""
    config = session.config
    whole_suite = [str(a) for a in config.args] in ([], config.getini("testpaths")) and not (
        config.option.keyword or config.option.markexpr
    )
    in_worker = hasattr(config, "workerinput")  # an xdist worker sees only its share
    if not whole_suite or in_worker or exitstatus != pytest.ExitCode.OK:
        return
    from tests.bluecurrent.integration.test_quality_scale import (
        rules_backed_by_behaviour,
    )

    problems = [
        f"{rule}: {'no test marked @backs' if not _OUTCOMES.get(rule) else 'a test failed'}"
        for rule in sorted(rules_backed_by_behaviour())
        if not _OUTCOMES.get(rule) or not all(_OUTCOMES[rule])
    ]
    if problems:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("quality_scale.yaml claims without passing behaviour:", red=True)
            for problem in problems:
                reporter.write_line(f"  {problem}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
