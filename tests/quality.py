"""Behaviour tests that back a rule of quality_scale.yaml.

Mark a test with `@backs("rule")`: when the whole suite runs, tests/conftest.py fails the
session if a rule that quality_scale.yaml calls done (and does not back by a static check or
the README) has no such test, or if one of them did not pass.
"""

from __future__ import annotations

import pytest

MARKER = "quality_rule"


def backs(*rules: str) -> pytest.MarkDecorator:
    """Mark a test as the behaviour behind these quality-scale rules."""
    return getattr(pytest.mark, MARKER)(*rules)
