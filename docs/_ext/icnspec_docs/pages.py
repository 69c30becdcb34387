"""reST generators: mechanism chapters, parameter table, reasons, operations, roles, invariants, reports.

Each function returns reST text that the ``icnspec`` directive parses in place. Code is never pasted:
it is pulled in by ``autodoc`` (signatures and docstrings) and ``literalinclude`` (source, by the line
range of the live object).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import types
from collections.abc import Callable
from dataclasses import dataclass

import attrs

from icnspec_docs import analysis, graphs, registry
from icnspec_docs.rst import escape, first_line, include_source, label, list_table, literal, title

ASSUMPTION_MARK = "assumption (ours, not ICN's)"


@dataclass(frozen=True)
class Chapter:
    key: str
    title: str
    modules: tuple[str, ...]
    """The mechanism's modules; the first one holds its handlers."""
    state_fields: tuple[str, ...]
    """Fields of :class:`spec.state.State` this mechanism owns (each field belongs to one chapter)."""
    lifecycles: tuple[str, ...] = ()

    @property
    def docname(self) -> str:
        return f"mechanisms/{self.key}"


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("ledger", "Token, bridge and genesis allocations", ("spec.ledger", "spec.accounting", "spec.accounts"),
            ("l1_balances", "l2_balances", "bridge_escrow", "bridge_withdrawals", "allocations", "next_id")),
    Chapter("governance", "Roles, protocol accounts and parameter changes", ("spec.governance",),
            ("params", "roles", "link_transfers_enabled", "treasury", "reward_reserve", "protocol_treasury",
             "pending_changes")),
    Chapter("hypernodes", "HyperNodes", ("spec.hypernodes",), ("hypernodes", "hypernode_links"), ("HyperNode",)),
    Chapter("links", "ICN Links and Link rewards", ("spec.links", "spec.curve"), ("links", "link_curve", "link_pool"),
            ("Link",)),
    Chapter("scalernodes", "ScalerNodes, collateral and delegation", ("spec.scalernodes", "spec.collateral"),
            ("regions", "clusters", "scalernodes", "delegations", "collateral_withdrawals"), ("ScalerNode",)),
    Chapter("bookings", "Bookings and access fees", ("spec.bookings",), ("bookings",), ("booking",)),
    Chapter("eras", "Eras, challenge reports and settlement", ("spec.eras",),
            ("genesis_day", "era", "era_start_block", "settled_eras", "reports")),
    Chapter("rewards", "HP rewards and delegator returns", ("spec.rewards",), ("totals",)),
    Chapter("slashing", "Slashing", ("spec.slashing",), ("faults",)),
)
"""Which modules and state fields make up each mechanism chapter. The build checks this table
against ``spec/``: every State field in exactly one chapter, every spec module on some page."""

OTHER_MODULES: dict[str, str] = {
    "spec.types": "state-machine",
    "spec.state": "state-machine",
    "spec.transition": "state-machine",
    "spec.events": "state-machine",
    "spec.genesis": "state-machine",
    "spec.operations": "operations",
    "spec.reasons": "reasons",
    "spec.parameters": "parameters",
    "spec.vesting": "tokenomics",
    "spec.supply": "tokenomics",
}
"""spec modules documented outside the mechanism chapters, and the page that documents them."""


def chapter(key: str) -> Chapter:
    for item in CHAPTERS:
        if item.key == key:
            return item
    raise KeyError(key)


def check_layout() -> list[str]:
    """Problems with :data:`CHAPTERS` against the code (the build turns each into a warning)."""
    import pkgutil

    import spec
    from spec.state import State

    problems = []
    owners: dict[str, list[str]] = {}
    for item in CHAPTERS:
        for name in item.state_fields:
            owners.setdefault(name, []).append(item.key)
    for attribute in attrs.fields(State):
        found = owners.pop(attribute.name, [])
        if len(found) != 1:
            problems.append(f"State.{attribute.name} belongs to {len(found)} chapters ({found}); expected 1")
    for name in owners:
        problems.append(f"chapter table names State.{name}, which does not exist")
    documented = set(OTHER_MODULES)
    for item in CHAPTERS:
        documented.update(item.modules)
    for module in pkgutil.iter_modules(spec.__path__):
        if f"spec.{module.name}" not in documented:
            problems.append(f"spec.{module.name} is on no page of the docs")
    from spec.transition import HANDLERS

    for operation, handler in HANDLERS.items():
        if not any(handler.__module__ == item.modules[0] for item in CHAPTERS):
            problems.append(f"{operation.__name__}'s handler {handler.__module__} is in no chapter")
    return problems + check_conformance_mechanisms()


# --- small shared pieces --------------------------------------------------------------------------
def reason_ref(code: str) -> str:
    return f":ref:`{code} <reason-{label(code)}>`"


def op_ref(name: str) -> str:
    return f":ref:`{name} <op-{label(name)}>`"


def param_ref(name: str) -> str:
    return f":ref:`{name} <param-{label(name)}>`"


def func_ref(qualified: str) -> str:
    return f":func:`~{qualified}`"


def anchor(name: str, text: str) -> str:
    """An inline target (``:icnanchor:``) followed by visible text."""
    return f":icnanchor:`{name}`\\ {text}"


def _handler_chapter(handler: Callable) -> Chapter:
    for item in CHAPTERS:
        if handler.__module__ == item.modules[0]:
            return item
    raise KeyError(handler.__module__)


def operation_names_in(item: Chapter) -> list[str]:
    index = analysis.build_index()
    return [name for name, handler in index.handlers.items() if handler.__module__ == item.modules[0]]


def sender_text(facts: analysis.Facts) -> str:
    if not facts.roles:
        return "any account (no role; the checks below decide)"
    parts = []
    for role in facts.roles:
        if role.static:
            text = f"role {literal(role.role)}"
        else:
            text = (f"the role named by the parameter's ``changeable_by`` ({literal(role.role)}; see "
                    ":doc:`/parameters`)")
        if role.guards:
            text += " — " + "; ".join(escape(guard) for guard in role.guards)
        if text not in parts:
            parts.append(text)
    return "; ".join(parts)


def format_value(value: int, unit: str) -> str:
    from spec.parameters import ICNT, Parameters

    eras_per_day = Parameters().eras_per_day
    if unit.startswith("base units"):
        whole, fraction = divmod(value, ICNT)
        text = f"{whole:,}" + (("." + f"{fraction:018d}".rstrip("0")) if fraction else "")
        return f"{text} ICNT{unit.removeprefix('base units')}"
    if unit.startswith("bps"):
        return f"{value:,} bps ({value / 100:g}%){unit.removeprefix('bps')}"
    if unit == "eras":
        count = value // eras_per_day
        days = f" ({count:,} day{'s' if count != 1 else ''})" if value and value % eras_per_day == 0 else ""
        return f"{value:,} eras{days}"
    if unit == "era":
        days = f" (day {value // eras_per_day:,})" if value % eras_per_day == 0 else ""
        return f"era {value:,}{days}"
    return f"{value:,} {unit}"


def tag_text(tag: str) -> str:
    if tag == "A":
        return f":assumption:`{ASSUMPTION_MARK}`"
    if tag == "D":
        return "D — ICN documentation"
    if tag == "derived":
        return "derived from D values"
    return literal(tag)


def parameter_rows(names: list[str], anchors: bool) -> list[list[str]]:
    from spec.parameters import PARAMETER_TABLE, Parameters

    defaults = Parameters()
    rows = []
    for name in names:
        info = PARAMETER_TABLE[name]
        value = getattr(defaults, name)
        bounds = "—"
        if info.lower is not None or info.upper is not None:
            bounds = f"{format_value(info.lower, info.unit)} … {format_value(info.upper, info.unit)}"
        role = f"changeable by {literal(info.changeable_by.value)}" if info.changeable_by else "fixed"
        first = anchor(f"param-{label(name)}", literal(name)) if anchors else param_ref(name)
        rows.append([first, format_value(value, info.unit), escape(info.unit), tag_text(info.tag),
                     escape(info.rationale), role, bounds])
    return rows


PARAMETER_HEADER = ["parameter", "value", "unit", "source", "rationale", "role", "bounds"]
PARAMETER_WIDTHS = [22, 11, 6, 12, 26, 12, 11]


# --- the parameter table --------------------------------------------------------------------------
def parameters_rst() -> str:
    from spec.parameters import PARAMETER_TABLE

    assumptions = [name for name, info in PARAMETER_TABLE.items() if info.tag == "A"]
    out = [
        f"{len(PARAMETER_TABLE)} parameters; **{len(assumptions)} are assumptions of this specification** "
        f"(marked :assumption:`{ASSUMPTION_MARK}`): ICN has published no value for them, so never read one "
        "as ICN's. Generated from :data:`spec.parameters.PARAMETER_TABLE` at build time.",
        "",
        list_table(PARAMETER_HEADER, parameter_rows(list(PARAMETER_TABLE), anchors=True), PARAMETER_WIDTHS,
                   css_class="icn-params"),
        "",
        title("The assumptions, in one list", "-"),
        "",
    ]
    for name in assumptions:
        out.append(f"- {param_ref(name)} — {escape(PARAMETER_TABLE[name].rationale)}")
    out += ["", title("Changing a parameter", "-"), "",
            "A parameter with a role can be changed by that role through :ref:`ProposeParameterChange "
            "<op-proposeparameterchange>`, within its bounds; the change made during era E takes effect at "
            "era E+2 [D] and never applies retroactively (stakes and ScalerNodes snapshot what they depend "
            "on). The others are fixed by this specification.", ""]
    changeable = [name for name, info in PARAMETER_TABLE.items() if info.changeable_by is not None]
    by_role: dict[str, list[str]] = {}
    for name in changeable:
        by_role.setdefault(PARAMETER_TABLE[name].changeable_by.value, []).append(name)
    for role, names in sorted(by_role.items()):
        out.append(f"- {literal(role)}: " + ", ".join(param_ref(name) for name in names))
    out += ["", ".. autoclass:: spec.parameters.ParameterInfo", "   :members:", "   :undoc-members:", ""]
    return "\n".join(out)


# --- mechanism chapters ---------------------------------------------------------------------------
def chapter_rst(key: str) -> str:
    item = chapter(key)
    index = analysis.build_index()
    modules = [importlib.import_module(name) for name in item.modules]
    documented: set[str] = set()
    out = [f".. automodule:: {item.modules[0]}", "   :no-members:", ""]
    out += _state_section(item, index)
    out += _operations_section(item, index, documented)
    out += _era_section(item, index, modules, documented)
    out += _events_section(item, index)
    out += _parameters_section(item, modules)
    out += _helpers_section(item, modules, documented)
    return "\n".join(out)


def _records_of(field_names: tuple[str, ...]) -> list[type]:
    import spec.state as state_module
    from spec.state import State

    records: list[type] = []
    fields = {attribute.name: attribute for attribute in attrs.fields(State)}
    for name in field_names:
        annotation = str(fields[name].type)
        for word in re.findall(r"[A-Za-z_]+", annotation):
            candidate = getattr(state_module, word, None)
            if (isinstance(candidate, type) and attrs.has(candidate) and candidate.__module__ == "spec.state"
                    and candidate is not State and candidate not in records):
                records.append(candidate)
    return records


def _state_section(item: Chapter, index: analysis.SpecIndex) -> list[str]:
    from spec.state import State

    docs = analysis.state_field_docs()
    fields = {attribute.name: attribute for attribute in attrs.fields(State)}
    out = [title("State", "-"), ""]
    rows = []
    for name in item.state_fields:
        doc = docs.get(("State", name), "")
        records = _records_of((name,))
        if not doc and records:
            doc = first_line(inspect.getdoc(records[0]))
        rows.append([literal(f"state.{name}"), literal(fields[name].type), doc])  # docstrings are reST
    out += ["Fields of :class:`spec.state.State` that this mechanism owns:", "",
            list_table(["field", "type", "meaning"], rows, [25, 30, 45]), ""]
    for lifecycle in index.lifecycles:
        if lifecycle.name in item.lifecycles:
            out += _lifecycle_block(index, lifecycle)
    for record in _records_of(item.state_fields):
        out += [f".. autoclass:: spec.state.{record.__name__}", "   :members:", "   :undoc-members:", ""]
    return out


def _lifecycle_block(index: analysis.SpecIndex, lifecycle: analysis.Lifecycle) -> list[str]:
    edges = analysis.lifecycle_edges(index, lifecycle)
    graph = graphs.lifecycle_graph(index, lifecycle)
    source = (f"``{lifecycle.record.__name__}.{lifecycle.field}``")
    out = [title(f"Lifecycle of a {lifecycle.name}", "~"), "",
           f"States are the values of {source}; each arrow is an operation whose handler writes that value "
           "(found in the code, with the states it may start from narrowed by the handler's own checks).", "",
           graphs.render(graph, f"lifecycle-{lifecycle.name}", f"Lifecycle of a {lifecycle.name}."), ""]
    reached = {target for _, target in edges}
    missing = [state for state in lifecycle.states if state not in reached]
    if missing:
        out += [f".. note:: No operation leads into {', '.join(literal(state) for state in missing)}.", ""]
    return out


def _operations_section(item: Chapter, index: analysis.SpecIndex, documented: set[str]) -> list[str]:
    from spec.transition import NEVER_ACCEPTED

    names = operation_names_in(item)
    out = [title("Operations", "-"), ""]
    if not names:
        return out + ["This mechanism has no operations of its own: it runs at era settlement.", ""]
    summary = []
    for name in names:
        facts = index.operations[name]
        summary.append([op_ref(name), sender_text(facts),
                        ", ".join(literal(code) for code in facts.reason_codes()) or "never rejected"])
    out += ["Every rejection leaves the state exactly as it was. The lists below are read from the "
            "handlers' code at build time (every ``Reason`` a handler or a helper it calls can raise).", "",
            list_table(["operation", "sender", "rejected with"], summary, [22, 33, 45]), ""]
    never = {operation.__name__: text for operation, text in NEVER_ACCEPTED.items()}
    affects = _invariants_by_operation()
    for name in names:
        facts = index.operations[name]
        handler = index.handlers[name]
        documented.add(analysis.qualname(handler))
        out += [f".. _op-{label(name)}:", "", title(name, "~"), "",
                f".. autoclass:: spec.operations.{name}", "   :members:", "   :undoc-members:",
                "   :inherited-members:", ""]
        if name in never:
            out += [".. important::", "", f"   Never accepted, by design: {escape(never[name])}", ""]
        out += [f":Sender: {sender_text(facts)}", f":Handler: {func_ref(analysis.qualname(handler))}"]
        steps = []
        for step in facts.steps:
            sources = ", ".join(literal(state) for state in sorted(step.sources))
            steps.append(f"{step.lifecycle} {sources} → {literal(step.target)}")
        if steps:
            out.append(f":Lifecycle: {'; '.join(dict.fromkeys(steps))}")
        events = list(dict.fromkeys(emit.name for emit in facts.events))
        out.append(f":Emits: {', '.join(literal(event) for event in events) or 'nothing'}")
        if facts.params:
            from spec.parameters import PARAMETER_TABLE

            ordered = [parameter for parameter in PARAMETER_TABLE if parameter in facts.params]
            out.append(f":Reads parameters: {', '.join(param_ref(parameter) for parameter in ordered)}")
        if affects is not None:
            found = affects.get(name, [])
            out.append(":May affect invariants: " + (", ".join(f":ref:`{identifier} <inv-{label(identifier)}>`"
                                                              for identifier in found) or "none"))
        out += ["", f"**Rejected when** — in the order {literal(handler.__name__)} checks, read from the code:", ""]
        out.append(_reasons_table(facts) if facts.reasons else "Never rejected.\n")
        out += [f".. autofunction:: {analysis.qualname(handler)}", "", include_source(handler), ""]
    return out


def _invariants_by_operation() -> dict[str, list[str]] | None:
    """Operation -> invariant ids it may affect, or None when the registry is not available."""
    result = registry.load_registry()
    if result.invariants is None:
        return None
    found: dict[str, list[str]] = {}
    for invariant, operations in invariant_operation_pairs(result.invariants).items():
        for operation in operations:
            found.setdefault(operation, []).append(invariant)
    return found


def _reasons_table(facts: analysis.Facts) -> str:
    rows = []
    for check in facts.reasons:
        condition = literal(check.condition) if check.condition else "(always)"
        if check.guards:
            condition += "\n\n" + "; ".join(f"*{escape(guard)}*" for guard in check.guards)
        where = func_ref(check.function)
        if check.via:
            where += f"\n\nvia {literal(check.via[0])}"
        rows.append([reason_ref(check.reason), condition, where])
    return list_table(["reason", "must hold (else rejected)", "checked in"], rows, [26, 44, 30])


def _era_section(item: Chapter, index: analysis.SpecIndex, modules: list[types.ModuleType],
                 documented: set[str]) -> list[str]:
    out = [title("Era processing", "-"), ""]
    if item.key == "eras":
        out += ["Settlement of era E runs when ``AdvanceEra`` is accepted. The steps, in the order "
                ":func:`spec.eras.process_era_end` calls them (drawn from its code; to the right of each step, "
                "joined by dashed arrows in the order it calls them, the state-changing steps it runs):", "",
                graphs.render(graphs.era_pipeline_graph(), "era-pipeline", "The era settlement pipeline."), ""]
    reached = set(index.settlement.functions)
    steps = []
    reads = []
    for module in modules:
        for func in analysis.module_functions(module):
            name = analysis.qualname(func)
            if name not in reached or name in documented:
                continue
            if func.__name__.startswith(("get_", "compute_", "is_", "find_")):
                reads.append(name)
            else:
                steps.append(func)
    if not steps and not reads:
        return out + ["Nothing in this mechanism runs at era settlement.", ""]
    if steps:
        out += ["What this mechanism does when an era is settled:", ""]
    for func in steps:
        documented.add(analysis.qualname(func))
        out += [f".. autofunction:: {analysis.qualname(func)}", "", include_source(func), ""]
    if reads:
        out += ["Settlement also reads " + ", ".join(func_ref(name) for name in reads) +
                " (see *Formulas and helpers* below).", ""]
    return out


def _events_section(item: Chapter, index: analysis.SpecIndex) -> list[str]:
    emitted: dict[str, tuple[tuple[str, ...], list[str]]] = {}

    def note(facts: analysis.Facts, who: str) -> None:
        for emit in facts.events:
            if emit.function.rsplit(".", 1)[0] not in item.modules:
                continue
            fields, sources = emitted.setdefault(emit.name, (emit.fields, []))
            if who not in sources:
                sources.append(who)

    for name, facts in index.operations.items():
        note(facts, op_ref(name))
    note(index.settlement, "era settlement")
    out = [title("Events", "-"), ""]
    if not emitted:
        return out + ["This mechanism emits no events of its own.", ""]
    rows = [[literal(name), ", ".join(literal(field) for field in fields), ", ".join(sources)]
            for name, (fields, sources) in emitted.items()]
    return out + ["Events are part of every conformance vector. Read from the ``make_event`` calls in this "
                  "mechanism's code:", "", list_table(["event", "fields", "emitted by"], rows, [25, 40, 35]), ""]


def _parameters_section(item: Chapter, modules: list[types.ModuleType]) -> list[str]:
    names: list[str] = []
    for module in modules:
        for name in analysis.parameters_read(module):
            if name not in names:
                names.append(name)
    out = [title("Parameters", "-"), ""]
    if not names:
        return out + ["This mechanism's code reads no parameter directly.", ""]
    return out + ["Parameters this mechanism's code reads (full table: :doc:`/parameters`):", "",
                  list_table(PARAMETER_HEADER, parameter_rows(names, anchors=False), PARAMETER_WIDTHS,
                             css_class="icn-params"), ""]


def _helpers_section(item: Chapter, modules: list[types.ModuleType], documented: set[str]) -> list[str]:
    out = [title("Formulas and helpers", "-"), "",
           "The remaining definitions of this mechanism, each with its source. Formulas are named "
           "``compute_*``, reads ``get_*`` and predicates ``is_*``.", ""]
    for position, module in enumerate(modules):
        if position > 0:
            out += [title(f"{module.__name__}", "~"), "", f".. automodule:: {module.__name__}", "   :no-members:", ""]
        for name, value in vars(module).items():
            if name.isupper() and not name.startswith("_") and _defined_in(module, name):
                out += [f".. autodata:: {module.__name__}.{name}"]
                if len(repr(value)) > 160:
                    out += ["   :no-value:"]
                out += [""]
        for func in analysis.module_functions(module):
            qualified = analysis.qualname(func)
            if qualified in documented:
                continue
            documented.add(qualified)
            out += [f".. autofunction:: {qualified}", "", include_source(func), ""]
        for name, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == module.__name__ and name not in documented:
                documented.add(name)
                out += [f".. autoclass:: {module.__name__}.{name}", "   :members:", "   :undoc-members:", ""]
    return out


def _defined_in(module: types.ModuleType, name: str) -> bool:
    """True when ``name`` is assigned at the top level of ``module``'s own source (not imported)."""
    tree = ast.parse(inspect.getsource(module))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) else []
        for target in targets:
            if isinstance(target, ast.Name) and target.id == name:
                return True
    return False


# --- operations, reasons, roles -------------------------------------------------------------------
def operations_rst() -> str:
    index = analysis.build_index()
    rows = []
    for name, handler in index.handlers.items():
        item = _handler_chapter(handler)
        facts = index.operations[name]
        rows.append([op_ref(name), f":doc:`{item.title} </{item.docname}>`", sender_text(facts),
                     str(len(facts.reason_codes()))])
    return ("Every operation the protocol accepts, in the order of :data:`spec.transition.HANDLERS`, with the "
            "chapter that specifies it:\n\n" +
            list_table(["operation", "chapter", "sender", "reasons"], rows, [24, 30, 36, 10]))


def reasons_rst() -> str:
    from spec.reasons import Reason

    index = analysis.build_index()
    raised_by: dict[str, list[str]] = {}
    for name, facts in index.operations.items():
        for code in facts.reason_codes():
            raised_by.setdefault(code, []).append(name)
    groups = analysis.reason_groups()
    ordered_groups: list[str] = []
    for member in Reason:
        group = groups.get(member.name, "")
        if group not in ordered_groups:
            ordered_groups.append(group)
    never = [member.name for member in Reason if member.name not in raised_by]
    out = [f"{len(Reason)} reason codes; every rejection carries exactly one, and a conformance vector checks it. "
           "\"Raised by\" is read from the handlers' code at build time.", ""]
    if never:
        out += [".. warning::", "", "   Not raised by any handler: " + ", ".join(literal(code) for code in never), ""]
    else:
        out += ["Every code is raised by at least one handler.", ""]
    for group in ordered_groups:
        out += [title(group[:1].upper() + group[1:] if group else "Other", "-"), ""]
        rows = []
        for member in Reason:
            if groups.get(member.name, "") != group:
                continue
            operations = raised_by.get(member.name, [])
            rows.append([anchor(f"reason-{label(member.name)}", literal(member.value)),
                         ", ".join(op_ref(name) for name in operations) or "*(none)*"])
        out += [list_table(["code", "raised by"], rows, [35, 65]), ""]
    return "\n".join(out)


def roles_rst() -> str:
    from spec.types import Role

    index = analysis.build_index()
    by_role: dict[str, list[str]] = {}
    dynamic: list[str] = []
    for name, facts in index.operations.items():
        for role in facts.roles:
            if role.static:
                by_role.setdefault(role.role, []).append(name)
            elif name not in dynamic:
                dynamic.append(name)
    rows = []
    for role in Role:
        operations = list(dict.fromkeys(by_role.get(role.value, [])))
        rows.append([literal(role.value), ", ".join(op_ref(name) for name in operations) or "*(none)*"])
    if dynamic:
        rows.append(["the parameter's ``changeable_by``", ", ".join(op_ref(name) for name in dynamic)])
    open_operations = [name for name, facts in index.operations.items() if not facts.roles]
    rows.append(["any account (no role; ownership and other checks apply)",
                 ", ".join(op_ref(name) for name in open_operations)])
    return ("Which role each privileged operation requires, read from the ``require_role`` calls in the handlers "
            "(brief section 3: every privileged operation names exactly one role):\n\n" +
            list_table(["role", "operations"], rows, [20, 80]))


# --- invariants and reports -----------------------------------------------------------------------
def _invariant_reads(code: Callable | None) -> set[str]:
    """Attribute names and string constants in an invariant's code and the properties/ helpers it calls."""
    names: set[str] = set()
    seen: set[object] = set()
    pending = [code] if code is not None else []
    while pending:
        func = pending.pop()
        if func in seen:
            continue
        seen.add(func)
        try:
            tree = ast.parse(inspect.getsource(func).strip() if not inspect.isfunction(func) else
                             __import__("textwrap").dedent(inspect.getsource(func)))
        except (OSError, TypeError, SyntaxError):
            continue
        scope = getattr(func, "__globals__", {})
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.add(node.value)
            elif isinstance(node, ast.Name):
                value = scope.get(node.id)
                if inspect.isfunction(value) and (value.__module__ or "").startswith("properties"):
                    pending.append(value)
    return names


def state_vocabulary() -> set[str]:
    """Top-level fields of :class:`spec.state.State` (``links``, ``treasury``, ``params``...)."""
    from spec.state import State

    return {attribute.name for attribute in attrs.fields(State)}


def invariant_reads(invariants: list[registry.Invariant]) -> dict[str, set[str]]:
    """Invariant id -> the ``State`` fields its code (and the properties/ helpers it calls) reads."""
    vocabulary = state_vocabulary()
    return {invariant.id: _invariant_reads(invariant.code) & vocabulary for invariant in invariants}


def operation_writes() -> dict[str, set[str]]:
    """Operation -> the ``State`` fields its handler (and, for ``AdvanceEra``, settlement) may write."""
    vocabulary = state_vocabulary()
    return {name: facts.writes & vocabulary for name, facts in analysis.build_index().operations.items()}


def invariant_operation_pairs(invariants: list[registry.Invariant]) -> dict[str, list[str]]:
    """Invariant id -> operations that may affect it: the handler writes a top-level state field (directly,
    or through a record or helper that aliases it) that the invariant's code reads.

    A static over-approximation at the granularity of ``State`` fields; ``AdvanceEra`` includes settlement."""
    writes = operation_writes()
    reads = invariant_reads(invariants)
    return {invariant: [name for name, fields in writes.items() if fields & read]
            for invariant, read in reads.items()}


def invariant_matrix_rst(invariants: list[registry.Invariant], pairs: dict[str, list[str]]) -> str:
    """Operations (rows) x invariants (numbered columns): a dot where the operation may affect it."""
    header = ["operation"] + [str(number) for number in range(1, len(invariants) + 1)]
    rows = []
    for name in analysis.build_index().operations:
        rows.append([op_ref(name)] + ["●" if name in pairs.get(invariant.id, []) else "" for invariant in invariants])
    legend = ", ".join(f"**{number}** :ref:`{invariant.id} <inv-{label(invariant.id)}>`"
                       for number, invariant in enumerate(invariants, start=1))
    widths = [22] + [max(1, 78 // len(invariants))] * len(invariants)
    return "Columns: " + legend + "\n\n" + list_table(header, rows, widths, css_class="icn-matrix")


def _status_cell(status: str, count: int | None = None) -> str:
    css = {"proved": "icn-ok", "pass": "icn-ok", "passed": "icn-ok", "counterexample": "icn-bad",
           "violated": "icn-bad", "fail": "icn-bad", "failed": "icn-bad", "unknown": "icn-unknown",
           "timeout": "icn-unknown"}.get(status.lower(), "icn-unknown")
    text = status if count is None else f"{status} {count}"
    return f":{css}:`{text}`"


def invariants_rst() -> str:
    result = registry.load_registry()
    if result.invariants is None:
        return "\n".join([".. note::", "", f"   The invariant catalogue is {result.note}", "",
                          "   This page fills itself from the registry when it lands; nothing else needs editing.",
                          ""])
    prove = registry.load_report("prove")
    fuzz = registry.load_report("fuzz")
    pairs = invariant_operation_pairs(result.invariants)
    out = []
    if result.note:
        out += [".. warning::", "", f"   {result.note}", ""]
    out += [f"{len(result.invariants)} invariants, generated from ``{registry.REGISTRY_MODULE}`` at build time. "
           "Proof status comes from ``" + prove.path + "`` and fuzz coverage from ``" + fuzz.path + "``; see "
           ":doc:`/assurance` for the dates and the totals.", ""]
    summary = []
    obligations = _obligations_by_invariant(prove.data)
    fuzz_checked = set(map(str, (fuzz.data or {}).get("invariants", []) or []))
    violations = _violations_by_invariant(fuzz.data)
    for invariant in result.invariants:
        statuses = obligations.get(invariant.id, [])
        proof = _proof_summary(statuses) if prove.data is not None else "no report"
        if invariant.extra.get("kind") == "effect":
            proof = "concrete check (not a proof obligation)"
        if fuzz.data is None:
            fuzzed = "no report"
        elif invariant.id in violations:
            fuzzed = f":icn-bad:`violated ({violations[invariant.id]})`"
        elif invariant.id in fuzz_checked:
            fuzzed = ":icn-ok:`checked, no violation`"
        else:
            fuzzed = ":icn-unknown:`not checked`"
        summary.append([f":ref:`{invariant.id} <inv-{label(invariant.id)}>`", escape(invariant.statement),
                        proof, fuzzed])
    out += [list_table(["invariant", "statement", "proof", "fuzzing"], summary, [22, 48, 15, 15]), ""]
    out += [title("Which operations may affect which invariant", "-"), "",
            "An operation may affect an invariant when its handler (or, for ``AdvanceEra``, settlement) writes a "
            "field of ``State`` — directly, or through a record or helper that aliases it — that the invariant's "
            "code reads; the diagram goes through those fields. Computed statically from both sources; it "
            "over-approximates (a write to ``state.links`` counts for every invariant that reads ``links``). "
            "Step invariants, which compare two states, are linked to the operations writing what they read.", "",
            graphs.render(graphs.invariant_graph(operation_writes(), invariant_reads(result.invariants)),
                          "invariants-operations",
                          "Operations (left) write State fields (middle) that invariants (right) read."), "",
            "The same relation as a table:", "", invariant_matrix_rst(result.invariants, pairs), ""]
    for invariant in result.invariants:
        out += [f".. _inv-{label(invariant.id)}:", "", title(invariant.id, "-"), "", escape(invariant.statement), ""]
        fields = []
        if invariant.severity:
            fields.append(f":Severity: {escape(invariant.severity)}")
        for key, value in invariant.extra.items():
            fields.append(f":{key.capitalize()}: {escape(value)}")
        affected = pairs.get(invariant.id, [])
        fields.append(":May be affected by: " + (", ".join(op_ref(name) for name in affected) or "no operation "
                                                 "(it reads no field an operation writes)"))
        out += fields + [""]
        if invariant.code is not None:
            try:
                out += [include_source(invariant.code), ""]
            except (OSError, TypeError):
                out += [f"Code: {literal(getattr(invariant.code, '__qualname__', invariant.code))}", ""]
        statuses = obligations.get(invariant.id, [])
        if statuses:
            rows = [[literal(operation), _status_cell(status), seconds] for operation, status, seconds in statuses]
            out += ["Proof obligations (``Inv ∧ Step_op ⇒ Inv′``, and ``Init ⇒ Inv``):", "",
                    list_table(["operation", "status", "seconds"], rows, [50, 30, 20]), ""]
        elif prove.data is None:
            out += [f"Proof status: {prove.note}", ""]
    return "\n".join(out)


def _obligations_by_invariant(data: dict | None) -> dict[str, list[tuple[str, str, str]]]:
    found: dict[str, list[tuple[str, str, str]]] = {}
    for obligation in (data or {}).get("obligations", []) or []:
        if not isinstance(obligation, dict):
            continue
        seconds = obligation.get("seconds")
        found.setdefault(str(obligation.get("invariant")), []).append(
            (str(obligation.get("operation", "init")), str(obligation.get("status", "?")),
             f"{seconds:.2f}" if isinstance(seconds, (int, float)) else ""))
    return found


def _proof_summary(statuses: list[tuple[str, str, str]]) -> str:
    if not statuses:
        return ":icn-unknown:`no obligations`"
    counts: dict[str, int] = {}
    for _, status, _ in statuses:
        counts[status] = counts.get(status, 0) + 1
    if set(counts) == {"proved"}:
        return f":icn-ok:`proved ({counts['proved']})`"
    return ", ".join(_status_cell(status, count) for status, count in sorted(counts.items()))


def _violations_by_invariant(data: dict | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for violation in (data or {}).get("violations", []) or []:
        if isinstance(violation, dict):
            key = str(violation.get("invariant"))
            counts[key] = counts.get(key, 0) + 1
    return counts


def _agreement_section(data: dict) -> list[str]:
    """The share of fuzz steps on which the model's relation was compared with the reference."""
    agreement = data.get("agreement")
    if not isinstance(agreement, dict) or agreement.get("share") is None:
        return []
    bounds = agreement.get("bounds") or {}
    compared = int(agreement.get("checked", 0)) + int(agreement.get("mismatches", 0))
    total = compared + int(agreement.get("skipped", 0))
    lines = [f"Model agreement on the fuzz steps: the model's transition relation (Python backend, bounds "
             f"K={bounds.get('K', '?')}) was compared with the reference on {compared:,} of {total:,} steps "
             f"({float(agreement['share']):.1%}), with {agreement.get('mismatches', '?')} mismatches. "
             "Steps whose state does not fit the bounds are skipped:", ""]
    reasons = agreement.get("skip_reasons") or {}
    rows = [[escape(str(reason)), str(count)] for reason, count in list(reasons.items())[:6]]
    if rows:
        lines += [list_table(["why skipped", "steps"], rows, [80, 20]), ""]
    return lines


def _targets_section(data: dict) -> list[str]:
    """Calendar and multi-entity coverage of the fuzz report (targets of :mod:`properties.fuzz.targets`)."""
    try:
        from properties.fuzz.targets import CALENDAR_RULES, SHAPES
    except ImportError:
        return []
    reached = set(data.get("targets_reached") or [])
    out = [title("Calendar and multi-entity coverage", "~"), "",
           "A dated rule is covered when the run reaches its edge: the day or era before, at and after it (in the "
           "rule's unit). A multi-entity shape is covered when the run has built it. Every target is a coverage "
           "requirement of the ``ci`` profile, like an operation that must be accepted.", ""]
    if not data.get("targets_reached"):
        return out + ["This report predates the calendar targets.", ""]
    rows = []
    for rule, (meaning, offsets) in CALENDAR_RULES.items():
        marks = []
        for offset in offsets:
            name = f"{rule}@{offset:+d}"
            marks.append(f"{offset:+d} " + (":icn-ok:`reached`" if name in reached else ":icn-bad:`missing`"))
        rows.append([literal(rule), escape(meaning), ", ".join(marks)])
    for shape, meaning in SHAPES.items():
        rows.append([literal(shape), escape(meaning),
                     ":icn-ok:`reached`" if shape in reached else ":icn-bad:`missing`"])
    return out + [list_table(["target", "what reaching it means", "edges"], rows, [22, 50, 28]), ""]


def assurance_rst() -> str:
    fuzz = registry.load_report("fuzz")
    prove = registry.load_report("prove")
    out = [title("Stateful fuzzing", "-"), ""]
    if fuzz.data is None:
        out += [f"Fuzzing report {fuzz.note}", ""]
    else:
        data = fuzz.data
        out += [f":Report: ``{fuzz.path}``, dated {escape(fuzz.date)}",
                f":Command: ``{fuzz.command}``",
                f":Steps: {data.get('steps', '?')}",
                f":Seconds: {data.get('seconds', '?')}",
                f":Invariants checked: {len(data.get('invariants', []) or [])}",
                f":Violations: {len(data.get('violations', []) or [])}", ""]
        rules = data.get("rules") or {}
        if isinstance(rules, dict) and rules:
            rows = []
            for rule, entry in rules.items():
                entry = entry if isinstance(entry, dict) else {}
                reasons = entry.get("reasons") or {}
                reason_text = ", ".join(f"{literal(code)} {count}" for code, count in sorted(reasons.items()))
                rows.append([literal(rule), str(entry.get("accepted", "")), str(entry.get("rejected", "")),
                             reason_text])
            out += ["Coverage per action of the state machine (accepted, rejected, and each rejection reason "
                    "seen):", "",
                    list_table(["action", "accepted", "rejected", "reasons"], rows, [24, 10, 10, 56]), ""]
        out += _targets_section(data)
        out += _agreement_section(data)
        for violation in data.get("violations", []) or []:
            if isinstance(violation, dict):
                out += [f"- :icn-bad:`{escape(violation.get('invariant', '?'))}`: "
                        f"{escape(violation.get('message', ''))}"]
        out += [""]
    out += [title("Proofs", "-"), ""]
    if prove.data is None:
        out += [f"Proof report {prove.note}", ""]
    else:
        data = prove.data
        obligations = [item for item in data.get("obligations", []) or [] if isinstance(item, dict)]
        counts: dict[str, int] = {}
        for obligation in obligations:
            status = str(obligation.get("status", "?"))
            counts[status] = counts.get(status, 0) + 1
        agreement = data.get("agreement") or {}
        out += [f":Report: ``{prove.path}``, dated {escape(prove.date)}",
                f":Command: ``{prove.command}``",
                f":Bound: {data.get('bound', '?')}",
                ":Obligations: " + (", ".join(_status_cell(status, count) for status, count in
                                              sorted(counts.items())) or "none"),
                f":Lemmas: {len(data.get('lemmas', []) or [])}",
                f":Agreement: {agreement.get('steps', '?')} steps, {agreement.get('mismatches', '?')} mismatches"
                if isinstance(agreement, dict) else ":Agreement: ?", ""]
        vacuity = [item for item in data.get("vacuity", []) or [] if isinstance(item, dict)]
        if vacuity:
            rows = [[literal(item.get("check", "?")), _status_cell(str(item.get("status", "?")))] for item in vacuity]
            out += ["Vacuity checks (an invariant that cannot fail, or a precondition that never holds, is not "
                    "counted as a pass):", "", list_table(["check", "status"], rows, [70, 30]), ""]
        unproved = [item for item in obligations if str(item.get("status")) != "proved"]
        if unproved:
            rows = [[literal(item.get("invariant", "?")), literal(item.get("operation", "?")),
                     _status_cell(str(item.get("status", "?")))] for item in unproved]
            out += ["Obligations not proved:", "", list_table(["invariant", "operation", "status"], rows), ""]
        lemmas = [item for item in data.get("lemmas", []) or [] if isinstance(item, dict)]
        if lemmas:
            rows = [[literal(item.get("id", "?")), escape(str(item.get("statement", ""))),
                     escape(str(item.get("needed_for", ""))), _status_cell(str(item.get("status", "?")))]
                    for item in lemmas]
            out += ["Lemmas (auxiliary invariants that make the registry's invariants inductive; each is itself "
                    "proved for Init and every operation):", "",
                    list_table(["lemma", "statement", "needed for", "status"], rows, [20, 40, 30, 10]), ""]
        hints = [item for item in data.get("hints", []) or [] if isinstance(item, dict)]
        if hints:
            rows = [[literal(item.get("hint", "?")), literal(item.get("operation", "?")),
                     str(item.get("instances", "")), _status_cell(str(item.get("status", "?")))] for item in hints]
            out += ["Solver hints (facts about a relation's own terms given to the solver; each is proved valid "
                    "on its own, from the relation's definitions and the abstraction axioms, before it is used):",
                    "", list_table(["hint", "operation", "instances", "status"], rows, [30, 30, 15, 25]), ""]
        if data.get("bmc_note"):
            out += [f"Bounded model checking (depth {data.get('depth', '?')}): {escape(str(data['bmc_note']))}.", ""]
    return "\n".join(out)


def _coverage_note(run: dict | None) -> str:
    """How the union of a split fuzz run's workers covered the protocol (for the benchmark table)."""
    if not isinstance(run, dict):
        return ""
    gaps = run.get("coverage_gaps") or []
    return "; coverage complete" if not gaps else "; coverage gaps: " + escape("; ".join(gaps))


def _runs_note(run: dict | None) -> str:
    """The figures of every fuzz run when the bench took the median of several (for the benchmark table)."""
    runs = (run or {}).get("runs_steps_per_second") if isinstance(run, dict) else None
    if not runs or len(runs) < 2:
        return ""
    return f" (the median of {len(runs)} runs: " + ", ".join(f"{value:,.0f}" for value in runs) + ")"


def _reuse_note(run: dict | None) -> str:
    """How many fuzz steps took the previous step's state-invariant verdict (for the benchmark table)."""
    if not isinstance(run, dict) or run.get("state_checks_reused") is None or not run.get("steps"):
        return ""
    note = (f"; {run['state_checks_reused']:,} state-invariant verdicts were taken over from the step before "
            f"(fields the step did not change), {run.get('state_checks_run') or 0:,} evaluated")
    repeated = run.get("repeated_steps")
    if repeated:
        note += (f"; {repeated:,} of the {run['steps']:,} steps repeated a step already checked from the same "
                 "start and were applied, not checked again")
    return note


def benchmarks_rst() -> str:
    """The figures of ``reports/bench.json``: the machine, each measurement against its target."""
    bench = registry.load_report("bench")
    out = []
    if bench.data is None:
        return f"Benchmark report {bench.note}\n"
    data = bench.data
    machine = data.get("machine") or {}
    out += [f":Report: ``{bench.path}``, dated {escape(bench.date)}",
            f":Command: ``{bench.command}``",
            f":Machine: {escape(str(machine.get('cores', '?')))} cores, "
            f"{escape(str(machine.get('memory_gib', '?')))} GiB, {escape(str(machine.get('platform', '?')))}, "
            f"Python {escape(str(machine.get('python', '?')))}", ""]

    def fmt(value, digits: int = 3) -> str:
        if value is None:
            return "not measured"
        if isinstance(value, float):
            return f"{value:,.{digits}f}"
        return f"{value:,}" if isinstance(value, int) else escape(str(value))

    def verdict(ok) -> str:
        return ":icn-unknown:`not measured`" if ok is None else (":icn-ok:`met`" if ok else ":icn-bad:`missed`")

    def at_most(value, limit):
        return None if value is None else value <= limit

    def at_least(value, limit):
        return None if value is None else value >= limit

    rows = [
        ["full-scale era settled (5,000 HyperNodes x 2,500 ScalerNodes, 55,000 Links, 12.5M results)",
         fmt(data.get("settle_full_scale_seconds")) + " s", "<= 10 s",
         verdict(at_most(data.get("settle_full_scale_seconds"), 10))],
        ["peak memory of that settlement", fmt(data.get("settle_full_scale_peak_mib"), 1) + " MiB", "<= 2,048 MiB",
         verdict(at_most(data.get("settle_full_scale_peak_mib"), 2048))],
        ["log-log slope of settlement time (10^4 .. 10^7 results)", fmt(data.get("settle_slope")), "<= 1.15",
         verdict(at_most(data.get("settle_slope"), 1.15))],
        ["fuzz steps per second, every invariant after every step" + _runs_note(data.get("fuzz")),
         fmt(data.get("fuzz_steps_per_second"), 0),
         ">= 1,000", verdict(at_least(data.get("fuzz_steps_per_second"), 1000))],
        ["fuzz throughput / trivial baseline machine (same Hypothesis settings)", fmt(data.get("fuzz_baseline_ratio")),
         "reported", ""],
        ["fuzz: the checked step alone (clone, apply, every invariant; Hypothesis and action code left out), "
         "steps/s" + _reuse_note(data.get("fuzz")),
         fmt((data.get("fuzz") or {}).get("checked_steps_per_second"), 0), "reported", ""],
        ["fuzz: the same examples split across 2 processes (``icnspec fuzz --jobs 2``), aggregate steps/s"
         + _coverage_note(data.get("fuzz_parallel")),
         fmt(data.get("fuzz_parallel_steps_per_second"), 0), "reported", ""],
        ["vector replay, in-process (steps/s)", fmt(data.get("replay_steps_per_second_inprocess"), 0), ">= 20,000",
         verdict(at_least(data.get("replay_steps_per_second_inprocess"), 20000))],
        ["vector replay through ``icnspec adapter`` (steps/s)", fmt(data.get("replay_steps_per_second_subprocess"), 0),
         ">= 5,000", verdict(at_least(data.get("replay_steps_per_second_subprocess"), 5000))],
        _prove_target_row(data, fmt, verdict),
    ]
    out += [list_table(["measurement", "value", "target", "verdict"], rows, [52, 18, 14, 16]), ""]
    settle = [item for item in data.get("settle", []) or [] if isinstance(item, dict)]
    if settle:
        rows = [[fmt(item.get("results")), fmt(item.get("hypernodes")), fmt(item.get("scalernodes")),
                 fmt(item.get("settle_seconds"), 4), fmt(item.get("peak_mib"), 1)] for item in settle]
        out += ["Settlement time by size (each in a fresh process):", "",
                list_table(["challenge results", "HyperNodes", "ScalerNodes", "settle (s)", "peak (MiB)"], rows), ""]
    prove = [item for item in data.get("prove", []) or [] if isinstance(item, dict)]
    if prove:
        rows = []
        for item in prove:
            slowest = (item.get("slowest") or [{}])[0]
            rows.append([str(item.get("bound", "?")), fmt(item.get("obligations")), fmt(item.get("decided")),
                         fmt(item.get("seconds"), 1), fmt(item.get("mean_obligation_seconds"), 4),
                         escape(f"{slowest.get('invariant', '')} / {slowest.get('operation', '')} "
                                f"({slowest.get('seconds', '')} s)")])
        out += ["Proof obligations by bound K (slots per collection): wall time with 2 processes, mean solver "
                "time per obligation, and the slowest obligation:", "",
                list_table(["K", "obligations", "decided", "wall (s)", "mean (s)", "slowest"], rows,
                           [6, 12, 10, 10, 10, 52]), ""]
    return "\n".join(out)


def _prove_target_row(data: dict, fmt, verdict) -> list[str]:
    """The proof target (issue 18): every obligation and hint decided at K=4 within 60 s, read from the K=4
    point of the bench's proof figures."""
    bound = data.get("prove_target_bound", 4)
    point = next((item for item in data.get("prove", []) or []
                  if isinstance(item, dict) and item.get("bound") == bound), None)
    if point is None:
        return [f"every proof obligation and hint decided at K={bound} (2 processes)", "not measured", "<= 60 s",
                verdict(None)]
    hints_decided = point.get("hints_decided", point.get("hints_proved"))
    decided = point.get("decided") == point.get("obligations") and hints_decided == point.get("hints")
    label = (f"every proof obligation and hint decided at K={bound} (2 processes): "
             f"{fmt(point.get('decided'))}/{fmt(point.get('obligations'))} obligations, "
             f"{fmt(hints_decided)}/{fmt(point.get('hints'))} hints")
    seconds = point.get("seconds")
    return [label, fmt(seconds, 1) + " s", "<= 60 s",
            verdict(None if seconds is None else seconds <= 60 and decided)]


# --- commands and optional modules ----------------------------------------------------------------
def commands_rst() -> str:
    """Every ``icnspec`` subcommand with its help and options, read from the command line's own parser."""
    import argparse

    from properties import runtime
    from properties.cli import build_parser

    parser = build_parser()
    subparsers = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    out = []
    general = [[literal(", ".join(action.option_strings)), escape(action.help or "")] for action in parser._actions
               if action.option_strings and "-h" not in action.option_strings]
    if general:
        out += ["Options of ``icnspec`` itself (before the subcommand):", "",
                list_table(["option", "meaning"], general, [30, 70]), ""]
    out += ["Exit codes, the same for every subcommand:", "",
            list_table(["code", "meaning"], [[str(code), escape(text)] for code, text in runtime.EXIT_CODES.items()],
                       [10, 90]), ""]
    for name, sub in subparsers.choices.items():
        out += [f"``icnspec {name}``", ""]
        out += ["   " + escape(sub.description or ""), ""]
        rows = []
        for action in sub._actions:
            if not action.option_strings or "-h" in action.option_strings:
                continue
            rows.append([literal(", ".join(action.option_strings)), escape(action.help or "")])
        if rows:
            table = list_table(["option", "meaning"], rows, [30, 70])
            out += ["\n".join("   " + line if line else "" for line in table.splitlines()), ""]
    return "\n".join(out)


def _markdown_inline(text: str) -> str:
    """A FORMAT.md table cell as reST: backticked code becomes a literal, the rest is escaped."""
    parts = text.split("`")
    return "".join(literal(part) if index % 2 else escape(part) for index, part in enumerate(parts))


def wire_table_rst(name: str) -> str:
    """A table of ``properties/conformance/FORMAT.md`` (the wire format's source), as a list-table."""
    from properties.conformance.format_doc import read_table

    rows = read_table(name)
    widths = {"projected-fields": [16, 12, 30, 18, 24], "allocations": [40, 60]}[name]
    return list_table(rows[0], [[_markdown_inline(cell) for cell in row] for row in rows[1:]], widths) + "\n"


def check_conformance_mechanisms() -> list[str]:
    """The conformance kit's mechanism table agrees with :data:`CHAPTERS` (``next_id`` split by counter)."""
    from properties.conformance.mechanisms import MECHANISM_FIELDS, OPERATION_MECHANISM
    from properties.conformance.projection import EXCLUDED_FIELDS

    problems = []
    for item in CHAPTERS:
        mine = {name.split(".")[0] for name in MECHANISM_FIELDS.get(item.key, ())}
        expected = {name for name in item.state_fields if name not in EXCLUDED_FIELDS and name != "next_id"}
        if mine - {"next_id"} != expected:
            problems.append(f"conformance fields of {item.key} {sorted(mine)} differ from the chapter's "
                            f"{sorted(expected)}")
        for name in operation_names_in(item):
            if OPERATION_MECHANISM.get(name) != item.key:
                problems.append(f"conformance puts {name} in {OPERATION_MECHANISM.get(name)}, the docs in {item.key}")
    return problems


def optional_module_rst(name: str, what: str) -> str:
    """``automodule`` of ``name`` when it imports, else a note that it is not in this build yet."""
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name and name.startswith(error.name):
            return (f".. note::\n\n   {what} (``{name}``) is not in this tree yet; this section fills itself "
                    "when it lands.\n")
        return f".. note::\n\n   ``{name}`` could not be imported: {escape(error)}\n"
    except Exception as error:  # work in progress elsewhere must not break the docs
        return f".. note::\n\n   ``{name}`` could not be imported: {escape(type(error).__name__)}: {escape(error)}\n"
    return f".. automodule:: {name}\n   :no-members:\n"


def first_doc_line(obj: object) -> str:
    return first_line(inspect.getdoc(obj))
