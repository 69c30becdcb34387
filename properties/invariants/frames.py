"""Which state fields each state invariant reads: the frame that lets the fuzzer reuse a verdict exactly.

A state invariant is a function of the state alone, so after a step that changed none of the fields it
reads, its verdict is the one it had before the step. :data:`READS` declares, per state invariant, the
top-level :class:`spec.state.State` fields its code reads (through the view: ``down_votes`` and the other
report relations are the ``reports`` field). :func:`recorded_reads` observes what an invariant really reads on
a state; the tests run it on many fuzzed states and fail when an invariant reads a field it does not declare.
"""

from __future__ import annotations

from typing import Any

import attrs

from models.logic import ConcreteLogic, ConcreteView
from spec.state import State

STATE_FIELDS: tuple[str, ...] = tuple(field.name for field in attrs.fields(State))

_HOLDINGS = ("allocations", "bridge_escrow", "collateral_withdrawals", "delegations", "l1_balances", "link_pool",
             "params", "protocol_treasury", "reward_reserve", "scalernodes", "treasury")

READS: dict[str, frozenset[str]] = {name: frozenset(fields) for name, fields in {
    "supply-conservation": _HOLDINGS,
    "supply-cap": (*_HOLDINGS, "bridge_withdrawals", "l2_balances"),
    "bridge-backing": ("bridge_escrow", "bridge_withdrawals", "l2_balances"),
    "non-negative": ("allocations", "bookings", "bridge_escrow", "bridge_withdrawals", "collateral_withdrawals",
                     "delegations", "faults", "l1_balances", "l2_balances", "link_pool", "links", "protocol_treasury",
                     "reward_reserve", "scalernodes", "totals", "treasury"),
    "protocol-accounts-reconciliation": ("protocol_treasury", "reward_reserve", "totals", "treasury"),
    "link-pool-reconciliation": ("link_pool", "links", "params", "totals"),
    "rewards-paid-reconciliation": ("totals",),
    "link-claims-within-accrual": ("links", "params"),
    "link-pool-solvency": ("link_pool", "links", "params"),
    "link-curve-bounds": ("link_curve", "params"),
    "treasury-covers-bookings": ("bookings", "treasury"),
    "vesting-bounds": ("allocations", "era", "genesis_day", "params"),
    "no-double-slash": ("faults", "totals"),
    "slash-deadline": ("era", "faults", "hypernodes", "scalernodes"),
    "collateral-sufficiency": ("bookings", "era", "faults", "params", "scalernodes"),
    "booking-consistency": ("bookings", "era", "params", "scalernodes"),
    "collateral-records": ("collateral_withdrawals", "delegations", "era", "params", "scalernodes"),
    "link-targets": ("era", "hypernodes", "links", "params", "scalernodes"),
    "hypernode-link-index": ("hypernode_links", "hypernodes", "links", "scalernodes"),
    "hypernode-activity": ("hypernode_links", "hypernodes", "links"),
    "report-consistency": ("hypernodes", "reports", "scalernodes"),
    "era-order": ("bookings", "bridge_withdrawals", "delegations", "era", "links", "params", "settled_eras"),
    "parameter-activation": ("clusters", "era", "params", "pending_changes"),
}.items()}
"""State invariant id -> the top-level state fields it reads."""

_VIEW_FIELDS = {"down_votes": "reports", "scaler_reported": "reports", "unanswered": "reports",
                "hyper_reported": "reports", "_faults": "faults"}
_NOT_FIELDS = {"state", "_log", "next_id"}


class _RecordingView(ConcreteView):
    """A concrete view that notes every state field an invariant reads through it."""

    def __init__(self, state: State, log: set[str]) -> None:
        object.__setattr__(self, "_log", None)
        super().__init__(state)
        object.__setattr__(self, "_log", log)

    def __getattribute__(self, name: str) -> Any:
        log = object.__getattribute__(self, "_log")
        if log is not None and not name.startswith("__"):
            if name == "next_id":
                log.add("next_id")
            elif name not in _NOT_FIELDS:
                log.add(_VIEW_FIELDS.get(name, name))
        return object.__getattribute__(self, name)


def recorded_reads(invariant: Any, state: State) -> set[str]:
    """The state fields ``invariant`` (a state invariant) reads when evaluated on ``state``."""
    log: set[str] = set()
    invariant.code(ConcreteLogic(), _RecordingView(state, log))
    return {name for name in log if name in STATE_FIELDS}
