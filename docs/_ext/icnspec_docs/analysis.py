"""Static reading of ``spec/``: what each operation checks, writes, emits and reads.

Nothing here is written by hand about the protocol. Starting from a handler in
:data:`spec.transition.HANDLERS`, :class:`Walker` reads the handler's source with :mod:`ast` and follows
every call into a function defined under ``spec/`` (resolved through the function's own globals, so
``links.process_stake_link`` and imported helpers resolve exactly as Python would). Along the way it
records, in the order the code runs:

- every rejection: a ``Reason.X`` passed to :func:`spec.reasons.require` (or raised in a
  ``Rejection``), with the condition that must hold, written in the handler's own terms (helper
  parameters are replaced by the arguments the handler passed), and the call chain that led there;
- every role check (:func:`spec.accounts.require_role`);
- every event (:func:`spec.events.make_event`) with its field names;
- every lifecycle step: a write of ``.status`` (or ``Booking.active``) or the creation of a record,
  together with the states it can start from, narrowed by the ``require``/``if`` conditions on the
  path to the write (``is``, ``is not``, ``in``, ``not in``, ``and``, ``not``);
- every state field written (assignments, ``del``, in-place container methods), and every parameter
  read (``params.X``).
"""

from __future__ import annotations

import ast
import enum
import functools
import inspect
import textwrap
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import attrs

NONE_STATE = "(none)"
"""Pseudo-state before a record exists."""

_MUTATING_METHODS = frozenset({
    "add", "discard", "pop", "append", "setdefault", "update", "remove", "clear", "extend", "insert",
    "popitem",
})


# --- lifecycles -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Lifecycle:
    """A record whose life is a field taking values in a finite domain.

    ``domain`` maps each value (an enum member or a bool) to the state's display name. The states are
    read from the enum itself, so a new member shows up in the diagram without any edit here.
    """

    name: str
    record: type
    field: str
    domain: tuple[tuple[object, str], ...]

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(label for _, label in self.domain)

    def label(self, value: object) -> str | None:
        for member, label in self.domain:
            if member is value or (type(member) is bool and type(value) is bool and member == value):
                return label
        return None

    def owns_enum(self, cls: type) -> bool:
        return isinstance(self.domain[0][0], enum.Enum) and type(self.domain[0][0]) is cls

    def default_state(self) -> str | None:
        for attribute in attrs.fields(self.record):
            if attribute.name == self.field and attribute.default is not attrs.NOTHING:
                return self.label(attribute.default)
        return None


def enum_domain(cls: type[enum.Enum]) -> tuple[tuple[object, str], ...]:
    return tuple((member, member.name) for member in cls)


def default_lifecycles() -> tuple[Lifecycle, ...]:
    """ScalerNode, HyperNode and Link lives are their status enums; a booking's is ``Booking.active``."""
    from spec.state import Booking, HyperNode, Link, ScalerNode
    from spec.types import HyperNodeStatus, LinkStatus, ScalerNodeStatus

    return (
        Lifecycle("ScalerNode", ScalerNode, "status", enum_domain(ScalerNodeStatus)),
        Lifecycle("HyperNode", HyperNode, "status", enum_domain(HyperNodeStatus)),
        Lifecycle("Link", Link, "status", enum_domain(LinkStatus)),
        Lifecycle("booking", Booking, "active", ((True, "ACTIVE"), (False, "ENDED"))),
    )


# --- facts ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReasonCheck:
    reason: str
    """Member name of :class:`spec.reasons.Reason`."""
    condition: str
    """What must hold, in the handler's terms (empty for an unconditional raise)."""
    function: str
    """Qualified name of the function holding the check."""
    via: tuple[str, ...]
    """Calls from the handler down to that function, as written at each call site."""
    guards: tuple[str, ...]
    """Enclosing ``if``/``for`` contexts of the check inside its function."""


@dataclass(frozen=True)
class RoleCheck:
    role: str
    """Role value (``operator``) or, when the role is computed, the expression that computes it."""
    static: bool
    function: str
    guards: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventEmit:
    name: str
    fields: tuple[str, ...]
    function: str


@dataclass(frozen=True)
class LifecycleStep:
    lifecycle: str
    sources: frozenset[str]
    target: str
    function: str
    guards: tuple[str, ...]


@dataclass
class Facts:
    """Everything one walk (one handler, or era settlement) found, in execution order."""

    reasons: list[ReasonCheck] = field(default_factory=list)
    roles: list[RoleCheck] = field(default_factory=list)
    events: list[EventEmit] = field(default_factory=list)
    steps: list[LifecycleStep] = field(default_factory=list)
    writes: set[str] = field(default_factory=set)
    params: set[str] = field(default_factory=set)
    functions: list[str] = field(default_factory=list)
    """Qualified names of the spec functions reached, first visit order."""

    def reason_codes(self) -> list[str]:
        codes: list[str] = []
        for check in self.reasons:
            if check.reason not in codes:
                codes.append(check.reason)
        return codes


# --- helpers --------------------------------------------------------------------------------------
def qualname(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


@functools.cache
def function_ast(func: Callable) -> ast.FunctionDef:
    source = textwrap.dedent(inspect.getsource(func))
    tree = ast.parse(source)
    node = tree.body[0]
    assert isinstance(node, ast.FunctionDef), qualname(func)
    return node


def is_spec_function(obj: object) -> bool:
    return inspect.isfunction(obj) and (obj.__module__ or "").startswith("spec.")


def resolve(expr: ast.expr, scope: dict) -> object | None:
    """The object a ``Name`` or ``module.attr`` / ``Class.attr`` expression denotes in ``scope``."""
    if isinstance(expr, ast.Name):
        return scope.get(expr.id, getattr(__builtins__, expr.id, None) if not isinstance(__builtins__, dict)
                         else __builtins__.get(expr.id))
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        base = scope.get(expr.value.id)
        if isinstance(base, types.ModuleType) or isinstance(base, type):
            return getattr(base, expr.attr, None)
    return None


class _Substitute(ast.NodeTransformer):
    def __init__(self, bindings: dict[str, ast.expr]) -> None:
        self.bindings = bindings

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in self.bindings and isinstance(node.ctx, ast.Load):
            return self.bindings[node.id]
        return node


def substitute(expr: ast.expr, bindings: dict[str, ast.expr]) -> ast.expr:
    if not bindings:
        return expr
    import copy

    return _Substitute(bindings).visit(copy.deepcopy(expr))


def unparse(expr: ast.expr, bindings: dict[str, ast.expr] | None = None) -> str:
    return ast.unparse(substitute(expr, bindings or {}))


def attribute_chain(expr: ast.expr) -> list[str]:
    """Attribute names along ``a.b[c].d`` (``['b', 'd']``); subscripts and calls are looked through."""
    names: list[str] = []
    while True:
        if isinstance(expr, ast.Attribute):
            names.append(expr.attr)
            expr = expr.value
        elif isinstance(expr, ast.Subscript):
            expr = expr.value
        elif isinstance(expr, ast.Call):
            expr = expr.func
        else:
            break
    names.reverse()
    return names


def chain_root(expr: ast.expr) -> str | None:
    while isinstance(expr, (ast.Attribute, ast.Subscript, ast.Call)):
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return expr.id if isinstance(expr, ast.Name) else None


# --- the walker -----------------------------------------------------------------------------------
@dataclass
class _Frame:
    func: Callable
    scope: dict
    bindings: dict[str, ast.expr]
    via: tuple[str, ...]
    guards: tuple[str, ...]
    aliases: dict[str, set[str]]


Constraints = dict[str, frozenset[str]]
"""Lifecycle name -> states still possible on this path (absent: unconstrained)."""


class Walker:
    """Follows one entry function through ``spec/`` and collects :class:`Facts`."""

    def __init__(self, lifecycles: Iterable[Lifecycle] | None = None, parameter_names: Iterable[str] = ()) -> None:
        self.lifecycles = tuple(lifecycles if lifecycles is not None else default_lifecycles())
        self.parameter_names = frozenset(parameter_names)
        self.return_aliases: dict[str, set[str]] = {}
        """Function -> attribute names its return values may alias (``get_balances`` -> l1/l2 balances)."""

    def walk(self, entry: Callable) -> Facts:
        facts = Facts()
        frame = _Frame(entry, entry.__globals__, {}, (), (), {})
        self._function(entry, frame, {}, facts, ())
        return facts

    # -- functions and statements
    def _function(self, func: Callable, frame: _Frame, constraints: Constraints, facts: Facts,
                  stack: tuple[str, ...]) -> Constraints:
        name = qualname(func)
        if name not in facts.functions:
            facts.functions.append(name)
        node = function_ast(func)
        for sub in ast.walk(node):
            if isinstance(sub, ast.Attribute) and sub.attr in self.parameter_names and _reads_params(sub):
                facts.params.add(sub.attr)
        result, _ = self._body(node.body, frame, dict(constraints), facts, stack + (name,))
        return result

    def _body(self, statements: list[ast.stmt], frame: _Frame, constraints: Constraints, facts: Facts,
              stack: tuple[str, ...]) -> tuple[Constraints, bool]:
        for statement in statements:
            constraints, terminated = self._statement(statement, frame, constraints, facts, stack)
            if terminated:
                return constraints, True
        return constraints, False

    def _statement(self, stmt: ast.stmt, frame: _Frame, constraints: Constraints, facts: Facts,
                   stack: tuple[str, ...]) -> tuple[Constraints, bool]:
        if isinstance(stmt, ast.If):
            constraints = self._expr(stmt.test, frame, constraints, facts, stack)
            test = unparse(stmt.test, frame.bindings)
            body_frame = _replace_guards(frame, frame.guards + (f"when {test}",))
            else_frame = _replace_guards(frame, frame.guards + (f"unless {test}",))
            body, body_end = self._body(stmt.body, body_frame, self._narrow(constraints, stmt.test, True, frame),
                                        facts, stack)
            other, other_end = self._body(stmt.orelse, else_frame,
                                          self._narrow(constraints, stmt.test, False, frame), facts, stack)
            if body_end and other_end:
                return constraints, True
            if body_end:
                return other, False
            if other_end:
                return body, False
            return _join(body, other), False
        if isinstance(stmt, (ast.For, ast.While)):
            header = stmt.iter if isinstance(stmt, ast.For) else stmt.test
            constraints = self._expr(header, frame, constraints, facts, stack)
            if isinstance(stmt, ast.For):
                guard = f"for each {unparse(stmt.target)} in {unparse(stmt.iter, frame.bindings)}"
                iterated = set(self._aliased(stmt.iter, frame))
                for name in ast.walk(stmt.target):
                    if isinstance(name, ast.Name):
                        frame.aliases[name.id] = iterated
            else:
                guard = f"while {unparse(stmt.test, frame.bindings)}"
            self._body(stmt.body, _replace_guards(frame, frame.guards + (guard,)), dict(constraints), facts, stack)
            self._body(stmt.orelse, frame, dict(constraints), facts, stack)
            return constraints, False
        if isinstance(stmt, ast.Return):
            if stmt.value is not None:
                constraints = self._expr(stmt.value, frame, constraints, facts, stack)
                self.return_aliases.setdefault(qualname(frame.func), set()).update(self._aliased(stmt.value, frame))
            return constraints, True
        if isinstance(stmt, ast.Raise):
            if stmt.exc is not None:
                self._raise(stmt.exc, frame, facts)
            return constraints, True
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            value = stmt.value
            if value is not None:
                constraints = self._expr(value, frame, constraints, facts, stack)
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                self._assign(target, value, frame, constraints, facts)
            return constraints, False
        if isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                self._record_write(target, frame, facts)
            return constraints, False
        if isinstance(stmt, (ast.With, ast.Try)):
            for child in ast.iter_child_nodes(stmt):
                if isinstance(child, ast.expr):
                    constraints = self._expr(child, frame, constraints, facts, stack)
            body = stmt.body
            constraints, end = self._body(body, frame, constraints, facts, stack)
            return constraints, end
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.expr):
                constraints = self._expr(child, frame, constraints, facts, stack)
        return constraints, False

    # -- expressions, in evaluation order
    def _expr(self, expr: ast.expr, frame: _Frame, constraints: Constraints, facts: Facts,
              stack: tuple[str, ...]) -> Constraints:
        if isinstance(expr, ast.Call):
            for argument in [expr.func, *expr.args, *(keyword.value for keyword in expr.keywords)]:
                constraints = self._expr(argument, frame, constraints, facts, stack)
            return self._call(expr, frame, constraints, facts, stack)
        if isinstance(expr, ast.Lambda):
            return constraints
        for child in ast.iter_child_nodes(expr):
            if isinstance(child, ast.expr):
                constraints = self._expr(child, frame, constraints, facts, stack)
            elif isinstance(child, ast.comprehension):
                for part in (child.iter, *child.ifs):
                    constraints = self._expr(part, frame, constraints, facts, stack)
        return constraints

    def _call(self, call: ast.Call, frame: _Frame, constraints: Constraints, facts: Facts,
              stack: tuple[str, ...]) -> Constraints:
        from spec import accounts, events, reasons

        callee = resolve(call.func, frame.scope)
        if callee is reasons.require:
            condition = call.args[0] if call.args else None
            reason_expr = call.args[1] if len(call.args) > 1 else None
            for reason in self._reason_names(reason_expr, frame):
                facts.reasons.append(ReasonCheck(reason, unparse(condition, frame.bindings) if condition else "",
                                                 qualname(frame.func), frame.via, frame.guards))
            if condition is not None:
                constraints = self._narrow(constraints, condition, True, frame)
            return constraints
        if callee is events.make_event:
            name = call.args[0].value if call.args and isinstance(call.args[0], ast.Constant) else "?"
            facts.events.append(EventEmit(str(name), tuple(keyword.arg or "**" for keyword in call.keywords),
                                          qualname(frame.func)))
            return constraints
        if callee is accounts.require_role and len(call.args) >= 2:
            role_expr = substitute(call.args[1], frame.bindings)
            role = resolve(role_expr, frame.scope) if isinstance(role_expr, (ast.Name, ast.Attribute)) else None
            if isinstance(role, enum.Enum):
                facts.roles.append(RoleCheck(str(role.value), True, qualname(frame.func), frame.guards))
            else:
                facts.roles.append(RoleCheck(ast.unparse(role_expr), False, qualname(frame.func), frame.guards))
        if callee is setattr and call.args:
            facts.writes.update(attribute_chain(call.args[0]))
        if isinstance(call.func, ast.Attribute) and call.func.attr in _MUTATING_METHODS:
            self._record_write(call.func.value, frame, facts)
        if isinstance(callee, type):
            for lifecycle in self.lifecycles:
                if callee is lifecycle.record:
                    target = lifecycle.default_state()
                    for keyword in call.keywords:
                        if keyword.arg == lifecycle.field:
                            target = lifecycle.label(resolve(keyword.value, frame.scope))
                    if target is not None:
                        facts.steps.append(LifecycleStep(lifecycle.name, frozenset({NONE_STATE}), target,
                                                         qualname(frame.func), frame.guards))
            return constraints
        if not is_spec_function(callee) or callee.__module__ in ("spec.reasons", "spec.events"):
            return constraints
        name = qualname(callee)
        if name in stack:
            return constraints
        bindings = self._bind(callee, call, frame)
        site = unparse(call, frame.bindings)
        sub = _Frame(callee, callee.__globals__, bindings, frame.via + (site,), (), self._argument_aliases(callee, call,
                                                                                                        frame))
        return self._function(callee, sub, constraints, facts, stack)

    def _bind(self, callee: Callable, call: ast.Call, frame: _Frame) -> dict[str, ast.expr]:
        try:
            parameters = list(inspect.signature(callee).parameters)
        except (TypeError, ValueError):
            return {}
        bindings: dict[str, ast.expr] = {}
        for index, argument in enumerate(call.args):
            if index < len(parameters) and not isinstance(argument, ast.Starred):
                bindings[parameters[index]] = substitute(argument, frame.bindings)
        for keyword in call.keywords:
            if keyword.arg in parameters:
                bindings[keyword.arg] = substitute(keyword.value, frame.bindings)
        return bindings

    def _argument_aliases(self, callee: Callable, call: ast.Call, frame: _Frame) -> dict[str, set[str]]:
        """Parameter -> state fields the caller's argument aliases (a Link record passed to a helper)."""
        try:
            parameters = list(inspect.signature(callee).parameters)
        except (TypeError, ValueError):
            return {}
        aliases: dict[str, set[str]] = {}
        for index, argument in enumerate(call.args):
            if index < len(parameters):
                aliases[parameters[index]] = set(self._aliased(argument, frame))
        for keyword in call.keywords:
            if keyword.arg in parameters:
                aliases[keyword.arg] = set(self._aliased(keyword.value, frame))
        return aliases

    def _reason_names(self, expr: ast.expr | None, frame: _Frame) -> list[str]:
        from spec.reasons import Reason

        if expr is None:
            return []
        expr = substitute(expr, frame.bindings)
        names: list[str] = []
        for node in ast.walk(expr):
            if isinstance(node, ast.Attribute):
                value = resolve(node, frame.scope)
                if isinstance(value, Reason) and value.name not in names:
                    names.append(value.name)
        return names

    def _raise(self, exc: ast.expr, frame: _Frame, facts: Facts) -> None:
        from spec.reasons import Rejection

        if isinstance(exc, ast.Call) and resolve(exc.func, frame.scope) is Rejection and exc.args:
            for reason in self._reason_names(exc.args[0], frame):
                facts.reasons.append(ReasonCheck(reason, "", qualname(frame.func), frame.via, frame.guards))

    # -- writes
    def _assign(self, target: ast.expr, value: ast.expr | None, frame: _Frame, constraints: Constraints,
                facts: Facts) -> None:
        if isinstance(target, ast.Name):
            if value is not None:
                frame.aliases[target.id] = set(self._aliased(value, frame))
            return
        if isinstance(target, ast.Tuple):
            for element in target.elts:
                self._assign(element, None, frame, constraints, facts)
            return
        self._record_write(target, frame, facts)
        if isinstance(target, ast.Attribute) and value is not None:
            self._lifecycle_write(target.attr, substitute(value, frame.bindings), frame, constraints, facts)

    def _aliased(self, value: ast.expr, frame: _Frame) -> Iterable[str]:
        """State fields that the value of ``value`` may be (a record, or a container, inside them).

        Indexes are not followed (``state.links[link_id]`` aliases ``links`` whatever ``link_id`` is),
        nor are the operation's own fields or arithmetic."""
        if isinstance(value, ast.Attribute):
            if chain_root(value) != "op":  # fields of the operation are not state
                yield value.attr
                yield from self._aliased(value.value, frame)
        elif isinstance(value, ast.Subscript):
            yield from self._aliased(value.value, frame)
        elif isinstance(value, ast.Name):
            yield from frame.aliases.get(value.id, ())
        elif isinstance(value, ast.Call):
            callee = resolve(value.func, frame.scope)
            if is_spec_function(callee):
                yield from self.return_aliases.get(qualname(callee), ())
            elif isinstance(value.func, ast.Attribute):
                yield from self._aliased(value.func.value, frame)
            else:
                for argument in value.args:
                    yield from self._aliased(argument, frame)
        elif isinstance(value, ast.IfExp):
            yield from self._aliased(value.body, frame)
            yield from self._aliased(value.orelse, frame)
        elif isinstance(value, ast.BoolOp):
            for item in value.values:
                yield from self._aliased(item, frame)
        elif isinstance(value, (ast.Tuple, ast.List, ast.Set)):
            for item in value.elts:
                yield from self._aliased(item, frame)
        elif isinstance(value, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            yield from self._aliased(value.elt, frame)
            for generator in value.generators:
                yield from self._aliased(generator.iter, frame)

    def _record_write(self, target: ast.expr, frame: _Frame, facts: Facts) -> None:
        facts.writes.update(attribute_chain(target))
        root = chain_root(target)
        if root is not None and root in frame.aliases:
            facts.writes.update(frame.aliases[root])

    def _lifecycle_write(self, attribute: str, value: ast.expr, frame: _Frame, constraints: Constraints,
                         facts: Facts) -> None:
        resolved = resolve(value, frame.scope) if isinstance(value, (ast.Name, ast.Attribute)) else None
        if isinstance(value, ast.Constant):
            resolved = value.value
        for lifecycle in self.lifecycles:
            if lifecycle.field != attribute or resolved is None:
                continue
            if isinstance(resolved, enum.Enum) and not lifecycle.owns_enum(type(resolved)):
                continue
            target = lifecycle.label(resolved)
            if target is None:
                continue
            sources = constraints.get(lifecycle.name, frozenset(lifecycle.states))
            facts.steps.append(LifecycleStep(lifecycle.name, frozenset(sources), target, qualname(frame.func),
                                             frame.guards))

    # -- narrowing by conditions
    def _narrow(self, constraints: Constraints, condition: ast.expr, positive: bool, frame: _Frame) -> Constraints:
        found = self._condition_states(substitute(condition, frame.bindings), positive, frame)
        result = dict(constraints)
        for name, states in found.items():
            result[name] = result.get(name, states) & states
        return result

    def _condition_states(self, expr: ast.expr, positive: bool, frame: _Frame) -> dict[str, frozenset[str]]:
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
            return self._condition_states(expr.operand, not positive, frame)
        if isinstance(expr, ast.BoolOp):
            conjunctive = isinstance(expr.op, ast.And) == positive
            if not conjunctive:
                return {}
            merged: dict[str, frozenset[str]] = {}
            for value in expr.values:
                for name, states in self._condition_states(value, positive, frame).items():
                    merged[name] = merged.get(name, states) & states
            return merged
        if isinstance(expr, ast.Attribute):
            for lifecycle in self.lifecycles:
                if lifecycle.field == expr.attr and isinstance(lifecycle.domain[0][0], bool):
                    label = lifecycle.label(positive)
                    return {lifecycle.name: frozenset({label})} if label else {}
            return {}
        if isinstance(expr, ast.Compare) and len(expr.ops) == 1 and isinstance(expr.left, ast.Attribute):
            return self._compare_states(expr, positive, frame)
        return {}

    def _compare_states(self, expr: ast.Compare, positive: bool, frame: _Frame) -> dict[str, frozenset[str]]:
        operator = expr.ops[0]
        attribute = expr.left.attr
        right = expr.comparators[0]
        elements = right.elts if isinstance(right, (ast.Tuple, ast.List, ast.Set)) else [right]
        members = [resolve(element, frame.scope) for element in elements]
        for lifecycle in self.lifecycles:
            if lifecycle.field != attribute:
                continue
            labels = {lifecycle.label(member) for member in members if isinstance(member, enum.Enum)
                      and lifecycle.owns_enum(type(member))}
            labels.discard(None)
            if not labels or len(labels) != len(members):
                continue
            if isinstance(operator, (ast.Is, ast.Eq, ast.In)):
                include = positive
            elif isinstance(operator, (ast.IsNot, ast.NotEq, ast.NotIn)):
                include = not positive
            else:
                return {}
            everything = frozenset(lifecycle.states)
            chosen = frozenset(labels)
            return {lifecycle.name: chosen if include else everything - chosen}
        return {}


def _reads_params(node: ast.Attribute) -> bool:
    """``params.X`` or ``<anything>.params.X``."""
    if isinstance(node.value, ast.Name):
        return node.value.id == "params"
    return attribute_chain(node.value)[-1:] == ["params"]


def _replace_guards(frame: _Frame, guards: tuple[str, ...]) -> _Frame:
    return _Frame(frame.func, frame.scope, frame.bindings, frame.via, guards, frame.aliases)


def _join(left: Constraints, right: Constraints) -> Constraints:
    joined: Constraints = {}
    for name in left:
        if name in right:
            joined[name] = left[name] | right[name]
    return joined


# --- whole-spec views -----------------------------------------------------------------------------
@dataclass
class SpecIndex:
    """Facts for every operation, and for era settlement, computed once per build."""

    operations: dict[str, Facts]
    """Operation class name -> facts of its handler."""
    handlers: dict[str, Callable]
    settlement: Facts
    """Facts of :func:`spec.eras.process_era_end` (what ``AdvanceEra`` runs after its own check)."""
    lifecycles: tuple[Lifecycle, ...]


@functools.lru_cache(maxsize=1)
def build_index() -> SpecIndex:
    from spec import eras
    from spec.parameters import PARAMETER_TABLE
    from spec.transition import HANDLERS

    lifecycles = default_lifecycles()
    walker = Walker(lifecycles, PARAMETER_TABLE)
    operations: dict[str, Facts] = {}
    handlers: dict[str, Callable] = {}
    for operation, handler in HANDLERS.items():
        operations[operation.__name__] = walker.walk(handler)
        handlers[operation.__name__] = handler
    settlement = walker.walk(eras.process_era_end)
    return SpecIndex(operations, handlers, settlement, lifecycles)


def lifecycle_edges(index: SpecIndex, lifecycle: Lifecycle) -> dict[tuple[str, str], list[str]]:
    """(from state, to state) -> operations that make that step (``AdvanceEra`` for settlement)."""
    edges: dict[tuple[str, str], list[str]] = {}
    for operation, facts in index.operations.items():
        for step in facts.steps:
            if step.lifecycle != lifecycle.name:
                continue
            for source in sorted(step.sources, key=_state_order(lifecycle)):
                if source == step.target:
                    continue
                names = edges.setdefault((source, step.target), [])
                if operation not in names:
                    names.append(operation)
    return edges


def _state_order(lifecycle: Lifecycle) -> Callable[[str], int]:
    order = {NONE_STATE: -1}
    for position, state in enumerate(lifecycle.states):
        order[state] = position
    return lambda state: order.get(state, len(order))


def module_functions(module: types.ModuleType) -> list[Callable]:
    """Functions defined in ``module`` (not imported), in source order."""
    found = []
    for value in vars(module).values():
        if inspect.isfunction(value) and value.__module__ == module.__name__:
            found.append(value)
    found.sort(key=lambda func: func.__code__.co_firstlineno)
    return found


def parameters_read(module: types.ModuleType) -> list[str]:
    """Parameters that functions of ``module`` read directly, in parameter-table order."""
    from spec.parameters import PARAMETER_TABLE

    read: set[str] = set()
    for func in module_functions(module):
        for node in ast.walk(function_ast(func)):
            if isinstance(node, ast.Attribute) and node.attr in PARAMETER_TABLE:
                if _reads_params(node):
                    read.add(node.attr)
    return [name for name in PARAMETER_TABLE if name in read]


def era_pipeline(depth: int = 2) -> list[tuple[str, list[str]]]:
    """The settlement steps in order: each direct step of ``process_era_end`` with the state-changing
    steps it runs in turn (reads — ``get_*``, ``compute_*``, ``is_*``, ``find_*`` — left out)."""
    from spec import eras

    def calls(func: Callable) -> list[Callable]:
        node = function_ast(func)
        found: list[tuple[int, int, Callable]] = []
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call):
                callee = resolve(sub.func, func.__globals__)
                if is_spec_function(callee) and callee.__module__ not in ("spec.events", "spec.reasons"):
                    found.append((sub.lineno, sub.col_offset, callee))
        found.sort(key=lambda item: (item[0], item[1]))
        ordered: list[Callable] = []
        for _, _, callee in found:
            if callee not in ordered:
                ordered.append(callee)
        return ordered

    def is_step(func: Callable) -> bool:
        return not func.__name__.startswith(("get_", "compute_", "is_", "find_", "require"))

    steps = []
    for callee in calls(eras.process_era_end):
        children = [qualname(child) for child in calls(callee) if is_step(child)] if depth > 1 else []
        steps.append((qualname(callee), children))
    return steps


def state_field_docs() -> dict[tuple[str, str], str]:
    """(class name, field) -> attribute docstring, for ``spec.state`` (read from the source)."""
    from sphinx.pycode import ModuleAnalyzer

    analyzer = ModuleAnalyzer.for_module("spec.state")
    docs = analyzer.find_attr_docs()
    return {key: " ".join(line.strip() for line in lines if line.strip()) for key, lines in docs.items()}


def reason_groups() -> dict[str, str]:
    """Reason member name -> the group comment above it in ``spec/reasons.py`` (``# HyperNodes``)."""
    import spec.reasons

    groups: dict[str, str] = {}
    current = ""
    source = inspect.getsource(spec.reasons.Reason)
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            current = stripped.lstrip("#").strip()
        elif "=" in stripped and stripped.split("=")[0].strip().isupper():
            groups[stripped.split("=")[0].strip()] = current
    return groups
