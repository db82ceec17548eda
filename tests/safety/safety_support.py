"""Settings shared by the safety tests: a quick mode for CI and a long mode.

``VAULT_LS_LONG=1`` selects the long mode: the tests marked ``slow`` here run with thousands of
examples each; without it they are skipped and the quick variants run with a few hundred.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

LONG = os.environ.get("VAULT_LS_LONG") == "1"

QUICK_EXAMPLES = 300
LONG_EXAMPLES = 5000

quick = settings(
    max_examples=QUICK_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
long = settings(
    max_examples=LONG_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# The long variants: marked slow, run only with VAULT_LS_LONG=1.
long_only = pytest.mark.skipif(not LONG, reason="long mode only: set VAULT_LS_LONG=1")
