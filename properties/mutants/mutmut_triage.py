"""Triage of mutmut's mutants over ``spec/``: the score, and every surviving mutant explained.

mutmut is run by hand, not in CI (about half an hour on 2 cores; ``[tool.mutmut]`` in pyproject.toml
selects ``spec/`` and ``tests/spec``)::

    mkdir /tmp/icn-mutmut && git archive HEAD | tar -x -C /tmp/icn-mutmut
    cd /tmp/icn-mutmut && mutmut run --max-children 1
    cd - && python -m properties.mutants.mutmut_triage /tmp/icn-mutmut --out reports/

This module reads mutmut's own result files (``mutants/spec/*.py.meta``: one exit code per mutant)
and its mutated sources (``mutants/spec/*.py``: the original and every mutant of each function),
computes each survivor's diff and sorts it into an equivalence class by the rules below. A rule names
exactly what the mutant changes and *why no test can tell*: an equivalent mutant changes no observable
behaviour of the reference (accepted or not, rejection reason, events, state) in any reachable state.
A survivor that no rule explains is listed as *unexplained*: it needs a test
(``tests/spec/test_mutmut_survivors.py``) or a new, argued rule; the command exits 1 while any is left.

Statuses follow mutmut's exit codes: 1 and 3 are kills; 0 is a survivor; 5 and 33 mean no test ran the
mutated code (reported, and triaged like survivors); timeouts are their own category and never kills.
The score is killed / all mutants. The report also says whether the ``spec/`` the results were computed
on is the ``spec/`` of this checkout (same SHA-256 as the audit's spec hash): results for another spec
are stale.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import hashlib
import json
import os
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import attrs

KILLED, SURVIVED, NO_TESTS, TIMEOUT, NOT_CHECKED, OTHER = (
    "killed", "survived", "no tests", "timeout", "not checked", "other")
STATUS_BY_EXIT_CODE: dict[int | None, str] = {
    1: KILLED, 3: KILLED,  # a test failed; pytest's internal error (the mutant crashed the session)
    0: SURVIVED,
    5: NO_TESTS, 33: NO_TESTS,
    36: TIMEOUT, 24: TIMEOUT, -24: TIMEOUT, 152: TIMEOUT, 255: TIMEOUT,
    None: NOT_CHECKED,
}
"""mutmut 3's meaning of each exit code (``mutmut.stats.status_by_exit_code``); anything else
(skipped, suspicious, segfault, caught by a type checker) is ``other``: neither a kill nor a survivor."""
TRIAGED = (SURVIVED, NO_TESTS)
"""Statuses whose mutants must be explained (a test ran and passed, or no test ran the code)."""


def get_status(code: int | None) -> str:
    return STATUS_BY_EXIT_CODE.get(code, OTHER)


@attrs.frozen
class Survivor:
    name: str
    """mutmut's key, e.g. ``spec.links.x_process_link_accrual__mutmut_29``."""
    function: str
    """The key without the mutant number: ``spec.links.x_process_link_accrual``."""
    removed: tuple[str, ...]
    added: tuple[str, ...]
    original: str = ""
    mutated: str = ""
    status: str = SURVIVED

    @property
    def change(self) -> str:
        return " / ".join(line.strip() for line in self.removed) + "  ->  " + " / ".join(
            line.strip() for line in self.added)


@attrs.frozen
class Rule:
    id: str
    title: str
    reason: str
    matches: Callable[[Survivor], bool]


# --- helpers for the rules
class _DropDiagnostics(ast.NodeTransformer):
    """Remove what only people read: the detail argument of ``require(condition, reason, detail)``,
    ``Rejection(reason, detail)`` and a rejected ``Outcome(False, reason, detail)``; the default of a
    parameter named ``detail``; in ``Rejection.__init__``, the exception message and ``self.detail``."""

    KEEP = {"require": 2, "Rejection": 1}

    def __init__(self, in_rejection_init: bool) -> None:
        self.in_rejection_init = in_rejection_init

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name in self.KEEP:
            node.args = node.args[: self.KEEP[name]]
            node.keywords = [keyword for keyword in node.keywords if keyword.arg != "detail"]
        if name == "Outcome" and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value is False:
            node.args = node.args[:2]
            node.keywords = [keyword for keyword in node.keywords if keyword.arg != "detail"]
        if self.in_rejection_init and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__":
            node.args, node.keywords = [], []
        return node

    def visit_arguments(self, node: ast.arguments) -> ast.AST:
        self.generic_visit(node)
        # defaults belong to the last len(defaults) positional parameters; the default of ``detail`` is
        # blanked in place (removing it would shift the others onto other parameters)
        with_defaults = (node.posonlyargs + node.args)[len(node.posonlyargs) + len(node.args) - len(node.defaults):]
        node.defaults = [ast.Constant(None) if argument.arg == "detail" else default
                         for argument, default in zip(with_defaults, node.defaults, strict=True)]
        node.kw_defaults = [ast.Constant(None) if argument.arg == "detail" and default is not None else default
                            for argument, default in zip(node.kwonlyargs, node.kw_defaults, strict=True)]
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        self.generic_visit(node)
        if self.in_rejection_init and any(isinstance(target, ast.Attribute) and target.attr == "detail"
                                          for target in node.targets):
            node.value = ast.Constant(None)
        return node


def _normalized(source: str, in_rejection_init: bool) -> str:
    tree = ast.parse(source)
    for function in ast.walk(tree):  # the mutant's name differs from the original's
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            function.name = "f"
    return ast.dump(_DropDiagnostics(in_rejection_init).visit(tree))


def _only_diagnostics(survivor: Survivor) -> bool:
    """The mutant changes only text for people: a rejection's detail, the default detail, the exception
    message (the normalized original and mutant are the same tree)."""
    if not survivor.original or not survivor.mutated:
        return False
    in_rejection_init = _in(survivor.function, "Rejection", "__init__")
    try:
        return _normalized(survivor.original, in_rejection_init) == _normalized(survivor.mutated, in_rejection_init)
    except SyntaxError:
        return False


def _in(function: str, *names: str) -> bool:
    """The mutated function is ``names[-1]`` (of class ``names[0]`` when two names are given)."""
    short = function.rsplit(".", 1)[-1]
    if len(names) == 2:
        return short == f"xǁ{names[0]}ǁ{names[1]}"
    return short in (f"x_{names[0]}", f"x{names[0]}") or short.endswith(f"ǁ{names[0]}")


def _changes(survivor: Survivor, old: str, new: str) -> bool:
    """Exactly one line changed, from one containing ``old`` to one containing ``new``."""
    return (len(survivor.removed) == 1 and len(survivor.added) == 1
            and old in survivor.removed[0] and new in survivor.added[0])


def _changes_to(survivor: Survivor, old: str, new: str) -> bool:
    """Exactly one line changed, from one that ends (stripped) with ``old`` to one ending with ``new``."""
    return (len(survivor.removed) == 1 and len(survivor.added) == 1
            and survivor.removed[0].strip().endswith(old) and survivor.added[0].strip().endswith(new))


MINT_PAST_ITS_CHECKS = ("require(op.amount <= backing,", "require(supply + op.amount <= state.params.total_supply,",
                        "increase_balance(state, op.chain, op.to, op.amount)", 'make_event("Mint"')


def _mint_past_its_checks(survivor: Survivor) -> bool:
    return (_in(survivor.function, "process_mint") and bool(survivor.removed)
            and all(any(part in line for part in MINT_PAST_ITS_CHECKS) for line in survivor.removed))


def _present_key_default(survivor: Survivor) -> bool:
    lookups = {
        "has_role": "state.roles.get(role, set())",
        "process_grant_role": "state.roles.",
        "process_revoke_role": "state.roles.get(op.role, set())",
        "get_hypernode_weight": "state.hypernode_links.get(hypernode_id, ())",
    }
    return any(_in(survivor.function, name) and len(survivor.removed) == 1 and lookup in survivor.removed[0]
               for name, lookup in lookups.items())


def _dead_branch_on_the_allocation_table(survivor: Survivor) -> bool:
    return (_in(survivor.function, "is_allocation_consistent")
            and re.search(r"if info\.bucket != bucket:\s*return True", survivor.mutated) is not None
            and _changes_to(survivor, "return False", "return True"))


RULES: tuple[Rule, ...] = (
    Rule("diagnostic-text",
         "The human-readable detail of a rejection",
         "The normative outcome of a rejection is its reason code (conformance vectors compare accepted, "
         "reason, events and state); the detail string, its default and the exception message are diagnostics "
         "for people and carry no protocol meaning.",
         _only_diagnostics),
    Rule("id-counter-name",
         "The name of a private id counter",
         "allocate_id keys a counter by collection name; each name is used by exactly one call site and "
         "nothing but allocate_id reads the counters, so any other name (or None) hands out the same dense "
         "ids 0, 1, 2, ... for that collection: only the key of the internal counter differs.",
         lambda s: _changes(s, "allocate_id(state, ", "allocate_id(state, ")),
    Rule("mint-never-accepted",
         "Code of Mint past its checks",
         "Mint is rejected in every reachable state (spec.transition.NEVER_ACCEPTED): the L2 escrow surplus is "
         "always 0 (invariant bridge-backing) and the L1 supply is always the cap (invariant supply-cap), so "
         "every amount > 0 fails the same check with the same reason whichever comparison or None is used, "
         "and the write path after the checks never runs.",
         _mint_past_its_checks),
    Rule("default-of-a-present-key",
         "The default of a dict lookup whose key is always present",
         "Genesis creates an entry for every Role (roles; revoking empties the set, never deletes the key), "
         "and registration creates the Link index of every HyperNode (hypernode_links), the only HyperNodes "
         "whose weight is read: the default is never used.",
         _present_key_default),
    Rule("chain-none-is-l2",
         "Chain.L2 replaced by None",
         "get_balances selects L1 when the chain is Chain.L1 and L2 otherwise, so None selects L2: the "
         "same balances as Chain.L2.",
         lambda s: _changes(s, "Chain.L2", "None")),
    Rule("sentinel-value",
         "A 'none chosen' sentinel",
         "process_book_capacity only tests chosen >= 0; -1 and -2 are both 'no node'.",
         lambda s: _in(s.function, "process_book_capacity") and _changes_to(s, "chosen = -1", "chosen = -2")),
    Rule("accrual-cap-redundant",
         "The accrual cap at the curve entitlement",
         "Each era accrues curve[month] // eras_per_month, so a month accrues at most its entry; entries of "
         "begun months are frozen and RaiseRewardCurve keeps the curve's total within the entitlement, so "
         "entitlement - accrued >= per-era reward in every reachable state and min() always returns the "
         "per-era reward (a larger second argument changes nothing). Defence in depth, kept on purpose.",
         lambda s: _in(s.function, "process_link_accrual") and _changes(s, "entitlement - link.accrued",
                                                                         "entitlement + link.accrued")),
    Rule("integer-month-comparison",
         "True division for the current month",
         "get_current_month's only caller, RaiseRewardCurve, compares an integer month m with it: m > floor(d / n) "
         "holds exactly when m > d / n for integer m, so true division changes no outcome.",
         lambda s: _in(s.function, "get_current_month") and _changes(s, "//", "/")),
    Rule("linear-unlock-edges",
         "The edges of the linear unlock",
         "At elapsed = 0 the formula amount x elapsed // duration is already 0, and at elapsed = duration "
         "it is already amount: the early returns are shortcuts, their comparison strictness is invisible.",
         lambda s: _in(s.function, "compute_linear_unlocked") and (
             _changes_to(s, "if elapsed_days <= 0:", "if elapsed_days < 0:")
             or _changes_to(s, "if elapsed_days >= duration_days:", "if elapsed_days > duration_days:"))),
    Rule("quorum-of-nothing",
         "is_quorum with a whole of 0",
         "part <= whole always (a part is a subset of the active weight or of the verified nodes), so with "
         "whole = 0 the part is 0 and 0 > 0 is false either way.",
         lambda s: _in(s.function, "is_quorum") and _changes(s, "whole > 0", "whole >= 0")),
    Rule("multiplier-at-exact-requirement",
         "Penalty branch taken at provided == required, or at required == 0",
         "At provided == required the penalty is shortfall_penalty x 0 // required = 0 and the bonus branch "
         "gives excess 0: both add nothing. At required == 0 the penalty branch needs provided < 0, which "
         "no collateral is.",
         lambda s: _in(s.function, "compute_multiplier_bps") and (
             _changes(s, "provided < required", "provided <= required")
             or _changes(s, "required > 0 and", "required >= 0 and"))),
    Rule("return-scaling-at-equality",
         "Delegator return scaled by required / provided when they are equal",
         "Scaling by required / provided with required == provided multiplies numerator and denominator "
         "by the same number: the floor division gives the same result.",
         lambda s: _in(s.function, "compute_delegator_return")
         and _changes(s, "network_provided > network_required", "network_provided >= network_required")),
    Rule("zero-amount-delegations",
         "Skipping delegations of amount 1 instead of 0",
         "A delegation of 0 (fully withdrawn) is due 0, and paying 0 changes nothing and emits no event; one of "
         "1 base unit is due rate // (BPS x eras per year) = 0 for any rate within the governance bound "
         "(at most 100% a year) and any calendar of at least 2 eras a year: skipping either changes nothing.",
         lambda s: _in(s.function, "process_delegator_returns")
         and _changes(s, "delegation.amount == 0 or", "delegation.amount == 1 or")),
    Rule("slash-remainder-is-zero",
         "The remainder after taking a slash",
         "The slash is a fraction (<= 100%) of exactly the collateral take_collateral walks through (same "
         "exposure rule), so nothing remains: subtracting or adding the remainder gives the same number.",
         lambda s: _in(s.function, "take_collateral") and _changes(s, "- remaining", "+ remaining")),
    Rule("overdue-order-within-an-era",
         "The tie-break of the overdue faults' order",
         "Faults are executed at the latest at the next settlement, so all overdue faults share one era; "
         "HyperNode faults are collected and executed together after the downtime faults, and the faults "
         "dict holds the downtime faults of an era in ScalerNode order (recorded in one pass over the "
         "verified nodes). A sort key that keeps (era, kind) first and only loses the offender tie-break "
         "leaves the stable sort on that insertion order: the same slashes in the same order.",
         lambda s: _in(s.function, "process_overdue_faults")
         and _changes(s, "key=lambda key: (key[2], key[0].value, key[1])",
                      "key=lambda key: (key[2], key[0].value, key[2])")),
    Rule("removed-hypernode-short-circuit",
         "'or' -> 'and' in is_hypernode_active's first test",
         "A missing HyperNode has no Link index entry and a removed one has no staked Link (removal requires "
         "none, and StakeLink requires a registered HyperNode), so the weight computed instead is 0: the "
         "answer is still False.",
         lambda s: _in(s.function, "is_hypernode_active") and _changes(s, "hypernode is None or",
                                                                        "hypernode is None and")),
    Rule("stakeable-id-is-diagnostic",
         "The Link id passed to _require_stakeable",
         "_require_stakeable uses the id only in the detail text of its rejections.",
         lambda s: _changes(s, "_require_stakeable(state, link, op.link)", "_require_stakeable(state, link, None)")),
    Rule("redundant-default-curve",
         "The default curve computed twice",
         "compute_circulating passes its curve to compute_unlocked, which computes compute_default_curve(params) "
         "from the same params when given None: computing it first or not gives the same curve.",
         lambda s: _in(s.function, "compute_circulating")
         and _changes_to(s, "curve = compute_default_curve(params)", "curve = None")),
    Rule("constant-table-branch",
         "A branch on a constant table",
         "is_allocation_consistent's first test compares each entry of the module constant ALLOCATIONS with "
         "its own key; the table is built keyed by bucket, so the branch is dead in every call (and spec/ "
         "refuses to import if the table did not add up). The reachable branches are pinned by "
         "test_allocation_consistency_detects_a_wrong_supply_or_pool.",
         _dead_branch_on_the_allocation_table),
)


# --- reading mutmut's working directory
def _functions(path: str) -> dict[str, str]:
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    tree = ast.parse(source)
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and "__mutmut_" in node.name:
            found[node.name] = ast.get_source_segment(source, node) or ""
    return found


def _diff(key: str, functions: dict[str, str], status: str) -> Survivor:
    short = key.rsplit(".", 1)[-1]
    function = short.rsplit("__mutmut_", 1)[0]
    original = [line.replace(f"{function}__mutmut_orig", function)
                for line in functions.get(f"{function}__mutmut_orig", "").splitlines()]
    mutated = [line.replace(short, function) for line in functions.get(short, "").splitlines()]
    removed, added = [], []
    for line in difflib.unified_diff(original, mutated, lineterm="", n=0):
        if line.startswith("-") and not line.startswith("---"):
            removed.append(line[1:])
        elif line.startswith("+") and not line.startswith("+++"):
            added.append(line[1:])
    return Survivor(key, key.rsplit("__mutmut_", 1)[0], tuple(removed), tuple(added),
                    textwrap.dedent("\n".join(original)), textwrap.dedent("\n".join(mutated)), status)


def read_results(workdir: str) -> tuple[dict[str, int | None], dict[str, Survivor]]:
    """(mutant name -> exit code, name -> Survivor for every mutant to triage) from a mutmut directory."""
    codes: dict[str, int | None] = {}
    survivors: dict[str, Survivor] = {}
    root = os.path.join(workdir, "mutants", "spec")
    if not os.path.isdir(root):
        raise FileNotFoundError(f"{root} does not exist: not a directory mutmut ran in over spec/")
    for directory, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if not name.endswith(".py.meta"):
                continue
            with open(os.path.join(directory, name), encoding="utf-8") as handle:
                meta = json.load(handle)
            functions = None
            for key, code in sorted(meta["exit_code_by_key"].items()):
                codes[key] = code
                if get_status(code) not in TRIAGED:
                    continue
                if functions is None:
                    functions = _functions(os.path.join(directory, name[: -len(".meta")]))
                survivors[key] = _diff(key, functions, get_status(code))
    return codes, survivors


def compute_spec_sha256(spec_dir: str | Path) -> str | None:
    """The audit's spec hash (:func:`properties.audit.compute_spec_digest`) of a ``spec/`` directory."""
    spec_dir = Path(spec_dir)
    if not spec_dir.is_dir():
        return None
    overall = hashlib.sha256()
    for path in sorted(spec_dir.rglob("*.py")):
        relative = path.relative_to(spec_dir.parent).as_posix()
        overall.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return overall.hexdigest()


def classify(survivor: Survivor) -> Rule | None:
    for rule in RULES:
        if rule.matches(survivor):
            return rule
    return None


def triage(workdir: str, repo_spec: str | Path | None = None) -> dict:
    """The score, the survivors by equivalence class and the unexplained ones (see the module docstring)."""
    codes, survivors = read_results(workdir)
    counts = {status: 0 for status in (KILLED, SURVIVED, NO_TESTS, TIMEOUT, NOT_CHECKED, OTHER)}
    for code in codes.values():
        counts[get_status(code)] += 1
    classes: dict[str, list[Survivor]] = {}
    unexplained: list[Survivor] = []
    for name in sorted(survivors):
        rule = classify(survivors[name])
        if rule is None:
            unexplained.append(survivors[name])
        else:
            classes.setdefault(rule.id, []).append(survivors[name])
    total = len(codes)
    equivalent = sum(len(items) for items in classes.values())
    measured = compute_spec_sha256(os.path.join(workdir, "spec"))
    current = compute_spec_sha256(repo_spec) if repo_spec is not None else None
    return {
        "total": total,
        "killed": counts[KILLED],
        "survived": counts[SURVIVED],
        "no_tests": counts[NO_TESTS],
        "timeout": counts[TIMEOUT],
        "not_checked": counts[NOT_CHECKED],
        "other": counts[OTHER],
        "score": round(counts[KILLED] / total, 4) if total else None,
        "equivalent": equivalent,
        "score_excluding_equivalents": round(counts[KILLED] / (total - equivalent), 4) if total > equivalent else None,
        "unexplained": len(unexplained),
        "spec_sha256": measured,
        "spec_is_current": (measured == current) if current is not None and measured is not None else None,
        "classes": {rule.id: _class_entry(rule, classes[rule.id]) for rule in RULES if classes.get(rule.id)},
        "unexplained_mutants": [_item(item) for item in unexplained],
    }


def _item(survivor: Survivor) -> dict:
    return {"name": survivor.name, "status": survivor.status, "change": survivor.change}


def _class_entry(rule: Rule, items: list[Survivor]) -> dict:
    return {"title": rule.title, "reason": rule.reason, "count": len(items), "mutants": [_item(item) for item in items]}


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def render_markdown(result: dict, header: str = "", listed: int = 8) -> str:
    """reports/mutmut.md: the figures, every equivalence class with its reason, the unexplained survivors."""
    freshness = {True: "yes (same SHA-256 as this checkout's spec/)", False: "**no: the results are stale**",
                 None: "unknown"}[result["spec_is_current"]]
    lines = ["# mutmut over spec/", ""]
    if header.strip():
        lines += [header.strip(), ""]
    lines += ["| measure | value |", "|---|---|",
              f"| mutants | {result['total']} |",
              f"| killed | {result['killed']} |",
              f"| survived | {result['survived']} |",
              f"| no test ran the mutated code | {result['no_tests']} |",
              f"| timeout (never a kill) | {result['timeout']} |",
              f"| not checked / other | {result['not_checked']} / {result['other']} |",
              f"| **score** (killed / all mutants) | **{_percent(result['score'])}** |",
              f"| equivalent (classified below) | {result['equivalent']} |",
              f"| score excluding equivalents | {_percent(result['score_excluding_equivalents'])} |",
              f"| unexplained survivors | {result['unexplained']} |",
              f"| spec/ SHA-256 of the run | `{result['spec_sha256']}` |",
              f"| results are for this checkout's spec/ | {freshness} |", "",
              "## Equivalent mutants, by reason", "",
              "An equivalent mutant changes no observable behaviour of the reference (accepted or not, "
              "rejection reason, events, state) in any reachable state; each class says why.", ""]
    if not result["classes"]:
        lines += ["None.", ""]
    for rule_id, data in result["classes"].items():
        lines += [f"### {data['title']} (`{rule_id}`): {data['count']}", "", data["reason"], ""]
        for item in data["mutants"][:listed]:
            lines.append(f"- `{item['name']}`: `{_md(item['change'])}`")
        if data["count"] > listed:
            lines.append(f"- ... and {data['count'] - listed} more of the same kind (all listed in mutmut.json)")
        lines.append("")
    lines += ["## Unexplained survivors", ""]
    if not result["unexplained_mutants"]:
        lines.append("None: every surviving mutant is classified above.")
    for item in result["unexplained_mutants"]:
        lines.append(f"- `{item['name']}` ({item['status']}): `{_md(item['change'])}`")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|")[:220]


def write_reports(result: dict, out_dir: str, header: str = "") -> dict[str, str]:
    """Write mutmut.json (figures, classes with every mutant, unexplained) and mutmut.md into ``out_dir``."""
    os.makedirs(out_dir, exist_ok=True)
    paths = {"json": os.path.join(out_dir, "mutmut.json"), "markdown": os.path.join(out_dir, "mutmut.md")}
    with open(paths["json"], "w", encoding="utf-8") as handle:
        json.dump(result | {"header": header.strip()}, handle, indent=2)
        handle.write("\n")
    with open(paths["markdown"], "w", encoding="utf-8") as handle:
        handle.write(render_markdown(result, header))
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("workdir", help="the directory mutmut ran in (holds mutants/)")
    parser.add_argument("--out", default=None, help="write mutmut.json and mutmut.md here (else print the JSON)")
    parser.add_argument("--header", default="", help="text placed under the title (how and when it ran)")
    parser.add_argument("--spec", default=str(Path(__file__).resolve().parents[2] / "spec"),
                        help="the spec/ the results must be for (default: this checkout's)")
    args = parser.parse_args(argv)
    try:
        result = triage(args.workdir, args.spec)
    except FileNotFoundError as error:
        sys.stderr.write(f"mutmut_triage: {error}\n")
        return 2
    if args.out:
        for kind, path in write_reports(result, args.out, args.header).items():
            print(f"{kind}: {path}")
        print(f"score {_percent(result['score'])} ({result['killed']}/{result['total']}), "
              f"{result['equivalent']} equivalent, {result['unexplained']} unexplained")
    else:
        json.dump(result, sys.stdout, indent=2)
        print()
    return 0 if result["unexplained"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
