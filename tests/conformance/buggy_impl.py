"""Deliberately buggy implementations, to show that the conformance kit catches real mistakes.

Each wraps the reference and changes one rule, the way a port could get it wrong:

- :class:`FeeIgnoresMargin`: the booking fee is price x TB x months, without the protocol margin
  (brief section 8: fee = (1 + margin) x price x TB x months). Visible in the ``CapacityBooked`` event's
  ``fee`` and in the Builder's balance and the Treasury.
- :class:`UpfrontClaimedTwice`: a missed rejection: a Link's 20% upfront share can be claimed again
  (``UPFRONT_ALREADY_CLAIMED`` never happens).
"""

from __future__ import annotations

from properties.conformance.drivers import ReferenceDriver
from spec.operations import BookCapacity, ClaimAllocation, ClaimLinkUpfront, Transfer
from spec.reasons import Reason
from spec.transition import Outcome


class FeeIgnoresMargin(ReferenceDriver):
    name = "buggy: booking fee ignores the protocol margin"

    def apply(self, operation):
        if not isinstance(operation, BookCapacity):
            return super().apply(operation)
        margin = self.state.params.protocol_margin_bps
        self.state.params.protocol_margin_bps = 0
        try:
            return super().apply(operation)
        finally:
            self.state.params.protocol_margin_bps = margin


class UpfrontClaimedTwice(ReferenceDriver):
    name = "buggy: upfront Link share claimable twice"

    def apply(self, operation):
        if isinstance(operation, ClaimLinkUpfront):
            link = self.state.links.get(operation.link)
            if link is not None and link.owner == operation.sender:
                link.upfront_claimed = False
        return super().apply(operation)


class UnstakeKeepsStakeEra(ReferenceDriver):
    """A state-only bug: completing an unstake leaves the Link's stake era set (no outcome or event shows it)."""

    name = "buggy: completed unstake keeps the stake era"

    def apply(self, operation):
        link = self.state.links.get(getattr(operation, "link", -1)) if self.state is not None else None
        before = link.staked_era if link is not None else None
        outcome = super().apply(operation)
        if outcome.accepted and type(operation).__name__ == "CompleteUnstakeLink":
            link.staked_era = before
        return outcome


# --- bugs the vectors once missed (issue 14): each is now caught by a vector built for its pattern
class TransferChecksAmountBeforeAddress(ReferenceDriver):
    """Checks the amount before the recipient: differs from the reference only when both are wrong."""

    name = "buggy: Transfer checks the amount before the address"

    def apply(self, operation):
        if isinstance(operation, Transfer) and operation.amount <= 0:
            return Outcome(False, Reason.ZERO_AMOUNT if operation.amount == 0 else Reason.NEGATIVE_VALUE)
        return super().apply(operation)


class ClaimDayRoundsUp(ReferenceDriver):
    """Counts a started day as a whole one when computing what an allocation has unlocked."""

    name = "buggy: allocation claims round the day up"

    def apply(self, operation):
        if not isinstance(operation, ClaimAllocation) or self.state.era % self.state.params.eras_per_day == 0:
            return super().apply(operation)
        self.state.genesis_day += 1
        try:
            return super().apply(operation)
        finally:
            self.state.genesis_day -= 1


class SlashDelegatedFirst(ReferenceDriver):
    """Takes delegated collateral before the HP's own (the corpus bug ``slash-delegated-first``)."""

    name = "buggy: slashes delegated collateral first"

    def apply(self, operation):
        from properties.mutants.corpus import get_mutant

        with get_mutant("slash-delegated-first").applied():
            return super().apply(operation)


class BookingIgnoresCollateral(ReferenceDriver):
    """Books under-collateralised nodes too."""

    name = "buggy: bookings ignore the node collateral"

    def apply(self, operation):
        if not isinstance(operation, BookCapacity):
            return super().apply(operation)
        import spec.bookings

        original = spec.bookings.is_fully_collateralised
        spec.bookings.is_fully_collateralised = lambda params, node: True
        try:
            return super().apply(operation)
        finally:
            spec.bookings.is_fully_collateralised = original
