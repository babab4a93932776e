"""Shared knob of the examples: tiny settings when the test suite runs them."""

import os

#: True when ``SKGEN_EXAMPLES_QUICK=1``: the test suite runs every example with
#: tiny data and few epochs so that they cannot rot.
QUICK = os.environ.get("SKGEN_EXAMPLES_QUICK") == "1"


def pick(normal, quick):
    """``quick`` under the test suite, ``normal`` otherwise."""
    return quick if QUICK else normal
