"""The buggy implementation behind the JSON-lines protocol: ``python -m tests.conformance.buggy_adapter``."""

from __future__ import annotations

import sys

from properties.conformance.adapter import serve
from tests.conformance.buggy_impl import FeeIgnoresMargin, UpfrontClaimedTwice

if __name__ == "__main__":
    driver = UpfrontClaimedTwice() if "--upfront" in sys.argv else FeeIgnoresMargin()
    raise SystemExit(serve(driver))
