"""Diagrams: networkx graphs built from :mod:`icnspec_docs.analysis`, rendered by Graphviz ``dot``.

Each diagram is a :class:`networkx.DiGraph`. :func:`to_dot` writes it in the DOT language (node and edge
attributes are passed through; a node attribute ``cluster`` groups nodes into a labelled box), and
:func:`render` runs ``dot -Tsvg``. Without ``dot`` on the machine the same graph is shown as a table of
its edges, with a note saying why: the build never fails and never warns for a missing ``dot``.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess

import networkx as nx

from icnspec_docs import analysis
from icnspec_docs.rst import indent, list_table, literal

FONT = "Helvetica,Arial,sans-serif"


def _quote(value: object) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _attributes(attributes: dict) -> str:
    items = [f"{key}={_quote(value)}" for key, value in attributes.items()
             if key not in ("cluster", "rank_group") and value is not None]
    return f" [{', '.join(items)}]" if items else ""


def to_dot(graph: nx.DiGraph, name: str = "G") -> str:
    """DOT source of ``graph``: graph attributes from ``graph.graph``, clusters from node ``cluster``, and
    nodes sharing a ``rank_group`` placed side by side."""
    lines = [f"digraph {_quote(name)} {{"]
    graph_attributes = {"fontname": FONT, "bgcolor": "transparent", **graph.graph}
    for key, value in graph_attributes.items():
        lines.append(f"  {key}={_quote(value)};")
    lines.append(f"  node [fontname={_quote(FONT)}, fontsize=11];")
    lines.append(f"  edge [fontname={_quote(FONT)}, fontsize=10];")
    clusters: dict[str, list[str]] = {}
    for node, data in graph.nodes(data=True):
        if data.get("cluster"):
            clusters.setdefault(data["cluster"], []).append(node)
        else:
            lines.append(f"  {_quote(node)}{_attributes(data)};")
    for index, (label, members) in enumerate(clusters.items()):
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    label={_quote(label)}; style=\"rounded,dashed\"; color=\"#888888\"; fontsize=10;")
        for node in members:
            lines.append(f"    {_quote(node)}{_attributes(graph.nodes[node])};")
        lines.append("  }")
    groups: dict[str, list[str]] = {}
    for node, data in graph.nodes(data=True):
        if data.get("rank_group"):
            groups.setdefault(data["rank_group"], []).append(node)
    for members in groups.values():
        lines.append("  { rank=same; " + " ".join(_quote(node) + ";" for node in members) + " }")
    for source, target, data in graph.edges(data=True):
        lines.append(f"  {_quote(source)} -> {_quote(target)}{_attributes(data)};")
    lines.append("}")
    return "\n".join(lines)


def find_dot() -> str | None:
    """The ``dot`` executable, or None. ``ICNSPEC_DOCS_DOT=none`` forces the text fallback (tests use it);
    any other value is taken as the path of ``dot``."""
    chosen = os.environ.get("ICNSPEC_DOCS_DOT")
    if chosen is not None:
        return None if chosen.lower() in ("", "none", "0") else chosen
    return shutil.which("dot")


@functools.lru_cache(maxsize=64)
def _run_dot(source: str, executable: str | None) -> str | None:
    if executable is None:
        return None
    try:
        completed = subprocess.run([executable, "-Tsvg"], input=source, capture_output=True, text=True,
                                   timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if completed.returncode != 0 or "<svg" not in completed.stdout:
        return None
    return completed.stdout


def svg_for_html(svg: str, prefix: str) -> str:
    """Inline-able SVG: no XML prolog or doctype, ids prefixed so several diagrams share a page."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\sid="', f' id="{prefix}-', svg)
    svg = re.sub(r'(xlink:href|href)="#', rf'\1="#{prefix}-', svg)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    return svg


def render(graph: nx.DiGraph, name: str, caption: str) -> str:
    """reST for one diagram: the SVG inline when ``dot`` runs, else the edge list and a note."""
    svg = _run_dot(to_dot(graph, name), find_dot())
    if svg is not None:
        body = svg_for_html(svg, re.sub(r"[^a-z0-9]+", "-", name.lower()))
        return "\n".join([
            ".. raw:: html",
            "",
            indent(f'<figure class="icn-diagram" id="diagram-{name}">', 3),
            indent(body, 3),
            indent(f"<figcaption>{caption}</figcaption></figure>", 3),
            "",
        ])
    rows = []
    for source, target, data in graph.edges(data=True):
        label = data.get("label", "")
        rows.append([_node_label(graph, source), _node_label(graph, target),
                     literal(label.replace("\n", ", ")) if label else ""])
    note = (f"**{caption}** Graphviz ``dot`` was not found when this page was built, so the diagram is "
            "listed as its edges. Install Graphviz (``apt-get install graphviz``) and rebuild to see it drawn.")
    return "\n".join([note, "", list_table(["from", "to", "label"], rows, widths=[30, 30, 40]), ""])


def _node_label(graph: nx.DiGraph, node: str) -> str:
    label = graph.nodes[node].get("label") or node  # the start point has no label: show "(none)"
    return literal(str(label).replace("\n", " "))


# --- the diagrams ---------------------------------------------------------------------------------
def lifecycle_graph(index: analysis.SpecIndex, lifecycle: analysis.Lifecycle) -> nx.DiGraph:
    """States from the enum (or ``Booking.active``), steps from handler code."""
    graph = nx.DiGraph(rankdir="LR", nodesep="0.4", ranksep="0.6")
    graph.add_node(analysis.NONE_STATE, shape="point", width="0.18", label="")
    for state in lifecycle.states:
        graph.add_node(state, shape="box", style="rounded,filled", fillcolor="#eef4fb", color="#4a6a8a",
                       label=state)
    for (source, target), operations in analysis.lifecycle_edges(index, lifecycle).items():
        graph.add_edge(source, target, label="\n".join(operations))
    return graph


def era_pipeline_graph() -> nx.DiGraph:
    """The settlement steps as a column; the state-changing steps each one runs sit beside it."""
    graph = nx.DiGraph(rankdir="TB", nodesep="0.25", ranksep="0.3")
    graph.add_node("AdvanceEra", shape="box", style="rounded,filled", fillcolor="#fdf1dc",
                   label="AdvanceEra(block): era E has ended")
    graph.add_node("process_era_end", shape="box", style="filled", fillcolor="#eef4fb",
                   label="eras.process_era_end: settle era E")
    graph.add_edge("AdvanceEra", "process_era_end", weight="10")
    previous = "process_era_end"
    for number, (step, children) in enumerate(analysis.era_pipeline(), start=1):
        short = step.removeprefix("spec.")
        graph.add_node(step, shape="box", style="filled", fillcolor="#eef4fb", label=f"{number}. {short}",
                       rank_group=step)
        graph.add_edge(previous, step, style="bold", weight="10")
        previous = step
        before = step
        for child in children:
            graph.add_node(child, shape="box", style="rounded", fontsize="10", label=child.removeprefix("spec."),
                           rank_group=step)
            graph.add_edge(before, child, style="dashed", arrowhead="open", constraint="false")
            before = child
    graph.add_node("next", shape="box", style="rounded,filled", fillcolor="#fdf1dc", label="era E+1 begins")
    graph.add_edge(previous, "next", style="bold", weight="10")
    return graph


def invariant_graph(writes: dict[str, set[str]], reads: dict[str, set[str]]) -> nx.DiGraph:
    """Operation -> State field it writes -> invariant that reads it (only fields some invariant reads)."""
    graph = nx.DiGraph(rankdir="LR", nodesep="0.08", ranksep="1.6", splines="true")
    read_fields = set()
    for fields in reads.values():
        read_fields |= fields
    for operation, fields in writes.items():
        for field in sorted(fields & read_fields):
            graph.add_node(f"op:{operation}", label=operation, shape="box", style="filled", fillcolor="#eef4fb",
                           color="#4a6a8a", fontsize="10", height="0.25")
            graph.add_node(f"field:{field}", label=f"state.{field}", shape="box", style="rounded,filled",
                           fillcolor="#fdf1dc", color="#a07a30", fontsize="10", height="0.25")
            graph.add_edge(f"op:{operation}", f"field:{field}", color="#8899aa", arrowsize="0.4")
    for invariant, fields in reads.items():
        graph.add_node(f"inv:{invariant}", label=invariant, shape="box", style="rounded,filled", fillcolor="#e9f6ea",
                       color="#3c7a40", fontsize="10", height="0.25")
        for field in sorted(fields):
            if f"field:{field}" in graph:
                graph.add_edge(f"field:{field}", f"inv:{invariant}", color="#7aa07d", arrowsize="0.4")
    return graph
