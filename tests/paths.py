"""Where the repository and the integration are, for tests that read their files."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
INTEGRATION = REPO / "custom_components" / "blue_current"
