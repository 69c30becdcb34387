"""The checkers' statement of the unlock schedules (models.schedules) equals the reference's on every day.

The two are written independently (the checkers must not read the reference's schedule back); this test is
where they meet, so a change to either that is not made to the other fails here."""

from __future__ import annotations

import pytest

from models import schedules
from spec.curve import compute_default_curve, compute_link_upfront
from spec.parameters import Parameters
from spec.types import Bucket
from spec.vesting import ALLOCATIONS, compute_unlocked

PARAMS = Parameters()
CURVE = compute_default_curve(PARAMS)


@pytest.mark.parametrize("bucket", list(Bucket), ids=lambda bucket: bucket.value)
def test_unlocked_equals_the_reference_on_every_day(bucket):
    for day in range(-3, 1_500):
        assert schedules.unlocked(bucket, day, CURVE) == compute_unlocked(bucket, day, PARAMS, CURVE), day


def test_allocations_and_link_numbers_match_the_reference():
    assert {bucket: info.allocation for bucket, info in ALLOCATIONS.items()} == schedules.ALLOCATION
    assert sum(schedules.ALLOCATION.values()) == schedules.TOTAL_SUPPLY == PARAMS.total_supply
    assert schedules.link_upfront() == compute_link_upfront(PARAMS)

