"""Make our `custom_components` package win over the test plugin's own one.

pytest-homeassistant-custom-component puts its test config directory first on sys.path,
which also has a `custom_components` package; importing ours first pins the right one.
"""

import custom_components  # noqa: F401
