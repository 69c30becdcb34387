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
from spec.operations import BookCapacity, ClaimLinkUpfront


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
