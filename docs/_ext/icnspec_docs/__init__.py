"""Sphinx extension that writes the ICN spec's docs from the code in ``spec/``.

One directive, ``.. icnspec:: WHAT [ARGUMENT]``, generates reST and parses it in place:

============================  =====================================================================
``chapter KEY``               a mechanism chapter: State, Operations, Era processing, Events,
                              Parameters, then Formulas and helpers (see :mod:`icnspec_docs.pages`)
``parameters``                the parameter table from ``spec.parameters.PARAMETER_TABLE``
``operations``                every operation, its chapter and sender
``reasons``                   every ``Reason`` code and the operations that raise it
``roles``                     which role each privileged operation requires
``invariants``                the invariant catalogue, when ``properties.invariants`` exists
``assurance``                 fuzzing and proof reports (``reports/*.json``), when present
``diagram NAME``              ``lifecycle-<name>``, ``era-pipeline`` or ``invariants-operations``
``unlock-curves``             the unlock chart per genesis bucket (SVG, no plotting library)
``supply-table``              unlocked ICNT per bucket at month boundaries (``icnspec supply``)
``allocation-table``          the genesis buckets, shares, amounts and unlock rules
``commands``                  every ``icnspec`` subcommand and its options
``optional-module NAME``      ``automodule`` of NAME if it imports, else a "not yet" note
``wire-table NAME``           a table of ``properties/conformance/FORMAT.md`` (``projected-fields``,
                              ``allocations``), rendered from that file
============================  =====================================================================

Roles: ``:assumption:`` (the visible assumption mark), ``:icn-ok:``, ``:icn-bad:``, ``:icn-unknown:``
(status badges) and ``:icnanchor:`label``` (an inline link target that ``:ref:`` can point to).
"""

from __future__ import annotations

import os
import sys

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

from icnspec_docs.rst import REPO_ROOT

logger = logging.getLogger(__name__)

if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)


def _generate(what: str, argument: str) -> str:
    from icnspec_docs import analysis, graphs, pages, tokenomics

    if what == "chapter":
        return pages.chapter_rst(argument)
    if what == "parameters":
        return pages.parameters_rst()
    if what == "operations":
        return pages.operations_rst()
    if what == "reasons":
        return pages.reasons_rst()
    if what == "roles":
        return pages.roles_rst()
    if what == "invariants":
        return pages.invariants_rst()
    if what == "assurance":
        return pages.assurance_rst()
    if what == "benchmarks":
        return pages.benchmarks_rst()
    if what == "unlock-curves":
        return tokenomics.unlock_curves_rst()
    if what == "allocation-table":
        return tokenomics.allocation_table_rst()
    if what == "supply-table":
        return tokenomics.supply_table_rst()
    if what == "commands":
        return pages.commands_rst()
    if what == "wire-table":
        return pages.wire_table_rst(argument)
    if what == "optional-module":
        module, _, description = argument.partition(" ")
        return pages.optional_module_rst(module, description or "This part")
    if what == "diagram":
        index = analysis.build_index()
        if argument == "era-pipeline":
            return graphs.render(graphs.era_pipeline_graph(), "era-pipeline", "The era settlement pipeline.")
        if argument.startswith("lifecycle-"):
            name = argument.removeprefix("lifecycle-")
            for lifecycle in index.lifecycles:
                if lifecycle.name.lower() == name.lower():
                    return graphs.render(graphs.lifecycle_graph(index, lifecycle), f"overview-{argument}",
                                         f"Lifecycle of a {lifecycle.name}.")
        if argument == "invariants-operations":
            from icnspec_docs import registry

            result = registry.load_registry()
            if result.invariants is None:
                return f"*Not yet available:* the invariant registry is {result.note}\n"
            return graphs.render(graphs.invariant_graph(pages.operation_writes(),
                                                        pages.invariant_reads(result.invariants)),
                                 "overview-invariants",
                                 "Operations (left) write State fields (middle) that invariants (right) read.")
    raise ValueError(f"unknown icnspec directive: {what} {argument}")


class IcnSpecDirective(SphinxDirective):
    required_arguments = 1
    optional_arguments = 8
    final_argument_whitespace = True
    has_content = False
    option_spec = {"debug": directives.flag}

    def run(self) -> list[nodes.Node]:
        what = self.arguments[0]
        argument = " ".join(self.arguments[1:])
        for folder in ("spec", "properties"):
            for root, _, files in os.walk(os.path.join(REPO_ROOT, folder)):
                for name in files:
                    if name.endswith(".py"):
                        self.env.note_dependency(os.path.join(root, name))
        text = _generate(what, argument)
        if "debug" in self.options or os.environ.get("ICNSPEC_DOCS_DUMP"):
            dump = os.path.join(self.env.app.outdir, "_generated", f"{what}-{argument or 'all'}.rst".replace(" ", "_"))
            os.makedirs(os.path.dirname(dump), exist_ok=True)
            with open(dump, "w", encoding="utf-8") as handle:
                handle.write(text)
        source = f"<icnspec {what} {argument}>"
        content = StringList(text.splitlines(), source=source)
        container = nodes.Element()
        nested_parse_with_titles(self.state, content, container)
        return list(container.children)


def _class_role(css: str):
    def role(name, rawtext, text, lineno, inliner, options=None, content=None):
        return [nodes.inline(rawtext, text, classes=[css])], []

    return role


def anchor_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``:icnanchor:`param-total-supply``` — an explicit, empty inline target."""
    target = nodes.target("", "", names=[text])
    inliner.document.note_explicit_target(target)
    return [target], []


def normalise_lists(lines: list[str]) -> None:
    """Give plain-text bullet lists in spec docstrings the blank lines reST needs around them.

    ``spec/`` docstrings are written to be read as text (a list may follow its lead-in line directly);
    reST would read such a list as an indented block and warn. Only the blank lines change.
    """
    result: list[str] = []
    in_list = False
    for line in lines:
        is_item = line.startswith("- ")
        if is_item and not in_list:
            if result and result[-1].strip():
                result.append("")
            in_list = True
        elif in_list and line.strip() and not is_item and not line.startswith(" "):
            result.append("")
            in_list = False
        elif not line.strip():
            in_list = False
        result.append(line)
    lines[:] = result


def _process_docstring(app, what, name, obj, options, lines) -> None:
    if name.startswith("spec."):
        normalise_lists(lines)


def _check_layout(app: Sphinx) -> None:
    from icnspec_docs import pages

    for problem in pages.check_layout():
        logger.warning("icnspec docs layout: %s", problem)
    if os.environ.get("ICNSPEC_DOCS_REFRESH"):
        from icnspec_docs import registry

        for line in registry.refresh_reports():
            logger.info("icnspec reports: %s", line)


def setup(app: Sphinx) -> dict:
    app.add_directive("icnspec", IcnSpecDirective)
    app.add_role("assumption", _class_role("icn-assumption"))
    app.add_role("icn-ok", _class_role("icn-ok"))
    app.add_role("icn-bad", _class_role("icn-bad"))
    app.add_role("icn-unknown", _class_role("icn-unknown"))
    app.add_role("icnanchor", anchor_role)
    app.connect("builder-inited", _check_layout)
    app.connect("autodoc-process-docstring", _process_docstring)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
