"""Hypothesis settings for the domain tests.

The root ``tests/conftest.py`` registers and loads the ``ci`` profile; this file only makes sure
the profile exists when the domain tests are run on their own (e.g. from another rootdir).
"""

from __future__ import annotations

import os

from hypothesis import settings
from hypothesis.errors import InvalidArgument

try:
    settings.get_profile("ci")
except InvalidArgument:
    settings.register_profile("ci", max_examples=100, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
