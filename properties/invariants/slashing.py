"""Slashing: each fault punished once, within its deadline, bounded by the collateral at risk, own
collateral before delegated collateral (brief section 11)."""

from __future__ import annotations

from typing import Any

from properties.invariants.registry import state_invariant, step_invariant
from spec.operations import AdvanceEra, ExecuteSlash
from spec.types import FaultKind, WithdrawalSource

DOWNTIME = FaultKind.SCALERNODE_DOWNTIME


def same_fault(L: Any, f: Any, g: Any) -> Any:
    return L.and_(L.eq(f.kind, g.kind), L.eq(f.offender, g.offender), L.eq(f.era, g.era))


@state_invariant(
    "no-double-slash",
    "A (fault kind, offender, era) is recorded at most once and punished at most once: the slashed total equals "
    "the sum of the executed downtime faults' amounts, and a fault carries an amount only once executed.",
    "critical",
    "11",
)
def no_double_slash(L: Any, v: Any) -> Any:
    slashed = L.sum(v.faults, lambda k, f: L.ite(L.and_(f.executed, L.is_(f.kind, DOWNTIME)), f.amount, 0))
    return L.and_(
        L.forall(
            v.faults,
            lambda k, f: L.forall(v.faults, lambda j, g: L.implies(same_fault(L, f, g), k == j)),
            lambda k, f: f"fault {f.kind.value} of {f.offender} in era {f.era} is recorded more than once",
        ),
        L.forall(
            v.faults,
            lambda k, f: L.implies(L.or_(L.not_(f.executed), L.not_(L.is_(f.kind, DOWNTIME))), L.eq(f.amount, 0)),
            lambda k, f: (
                f"fault {f.kind.value} of {f.offender} in era {f.era} (executed={f.executed}) carries amount {f.amount}"
            ),
        ),
        L.check(
            L.eq(v.totals.slashed, slashed),
            lambda: f"slashed total {v.totals.slashed} != {slashed} recorded on executed downtime faults",
        ),
    )


@state_invariant(
    "slash-deadline",
    "Every fault is of an earlier era than the current one, names an existing offender, and is executed by the "
    "end of the era after it (a fault of era E is executed by the end of E+1).",
    "high",
    "11",
)
def slash_deadline(L: Any, v: Any) -> Any:
    def offender_exists(f: Any) -> Any:
        return L.ite(L.is_(f.kind, DOWNTIME), L.has(v.scalernodes, f.offender), L.has(v.hypernodes, f.offender))

    return L.forall(
        v.faults,
        lambda k, f: L.and_(
            L.lt(f.era, v.era), offender_exists(f), L.implies(L.not_(f.executed), L.le(v.era - 1, f.era))
        ),
        lambda k, f: f"fault {f.kind.value} of {f.offender} in era {f.era} (executed={f.executed}) at era {v.era}",
    )


def own_at_risk(L: Any, v: Any, scaler: int, node: Any) -> Any:
    pending = L.sum(
        v.collateral_withdrawals,
        lambda i, w: L.ite(
            L.and_(L.eq(w.scaler, scaler), L.not_(L.is_(w.source, WithdrawalSource.DELEGATION))), w.amount, 0
        ),
    )
    return node.node_collateral + node.network_collateral + pending


def delegated_collateral(L: Any, v: Any, scaler: int, exposed_for: Any = None) -> Any:
    """Delegations to ``scaler`` (only those exposed to a fault of era ``exposed_for``: staked at least the
    activation delay before it [D: 'staked at E-2']) plus pending delegation withdrawals (always exposed)."""
    delay = v.params.activation_delay_eras

    def counted(d: Any) -> Any:
        if exposed_for is None:
            return L.eq(d.scaler, scaler)
        return L.and_(L.eq(d.scaler, scaler), L.le(d.start_era + delay, exposed_for))

    delegated = L.sum(v.delegations, lambda i, d: L.ite(counted(d), d.amount, 0))
    pending = L.sum(
        v.collateral_withdrawals,
        lambda i, w: L.ite(L.and_(L.eq(w.scaler, scaler), L.is_(w.source, WithdrawalSource.DELEGATION)), w.amount, 0),
    )
    return delegated + pending


def newly_slashed(L: Any, pre: Any, post: Any, scaler: int) -> Any:
    """Sum of the amounts of downtime faults of ``scaler`` executed by this step."""

    def fresh(k: Any, g: Any) -> Any:
        was_executed = L.exists(pre.faults, lambda j, f: L.and_(same_fault(L, f, g), f.executed))
        return L.and_(L.is_(g.kind, DOWNTIME), L.eq(g.offender, scaler), g.executed, L.not_(was_executed))

    return L.sum(post.faults, lambda k, g: L.ite(fresh(k, g), g.amount, 0))


@step_invariant(
    "slash-bound-and-order",
    "A slash never exceeds the ScalerNode's collateral at risk (own collateral, delegations staked at least two "
    "eras before the fault, pending withdrawals) and takes delegated collateral only for the part beyond the "
    "HP's own collateral at risk.",
    "critical",
    "11",
)
def slash_bound_and_order(L: Any, pre: Any, op: Any, outcome: Any, post: Any) -> Any:
    op_type = L.op_type(op)
    if op_type is ExecuteSlash:
        fault_era = op.era
    elif op_type is AdvanceEra:
        fault_era = pre.era - 1  # settlement executes the faults of the previous era (slash-deadline)
    else:
        return L.true

    def parts(scaler: int, before: Any) -> tuple[Any, Any, Any, Any, Any]:
        amount = newly_slashed(L, pre, post, scaler)
        own = own_at_risk(L, pre, scaler, before)
        exposed = delegated_collateral(L, pre, scaler, fault_era)
        taken = delegated_collateral(L, pre, scaler) - delegated_collateral(L, post, scaler)
        return amount, own, exposed, taken, L.max_(0, amount - own)

    def holds(scaler: int, before: Any, after: Any) -> Any:
        amount, own, exposed, taken, expected = parts(scaler, before)
        return L.and_(L.le(amount, own + exposed), L.eq(taken, expected))

    def describe(scaler: int, before: Any, after: Any) -> str:
        amount, own, exposed, taken, expected = parts(scaler, before)
        return (
            f"ScalerNode {scaler} slashed {amount} with own {own} and exposed delegated {exposed} at risk: "
            f"delegated collateral fell by {taken}, expected {expected}"
        )

    return L.forall_pairs(pre.scalernodes, post.scalernodes, holds, describe)
