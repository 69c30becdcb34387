"""The published spec (docs/): it builds with warnings as errors, it shows everything the code defines,
assumptions are marked, the generated lists match the code, the worked examples run, and the build
degrades gracefully when Graphviz, the invariant registry or the reports are missing."""

from __future__ import annotations

import doctest
import os
import pathlib
import subprocess
import sys
import time
from html.parser import HTMLParser

import pytest

pytest.importorskip("sphinx", reason="Sphinx comes with the [dev] extra")

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

from icnspec_docs import analysis, graphs, pages, registry  # noqa: E402

from spec.parameters import PARAMETER_TABLE  # noqa: E402
from spec.reasons import Reason  # noqa: E402
from spec.transition import HANDLERS  # noqa: E402

SECTIONS = ("State", "Operations", "Era processing", "Events", "Parameters")


class _Text(HTMLParser):
    """Visible text of a page, and its table rows as text."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.rows: list[list[str]] = []
        self.headings: list[str] = []
        self._skip = 0
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("h1", "h2", "h3"):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()).rstrip("¶").strip())
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.parts.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._heading is not None:
            self._heading.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())


def read_page(path: pathlib.Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def build(out: pathlib.Path, **env: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-E", "-q", "-b", "html", str(DOCS), str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, **env}, check=False)
    return completed, time.monotonic() - started


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("site")
    completed, seconds = build(out)
    assert completed.returncode == 0, f"sphinx-build -W failed:\n{completed.stdout}\n{completed.stderr}"
    print(f"docs built in {seconds:.1f} s")
    return out


@pytest.fixture(scope="module")
def site_text(site: pathlib.Path) -> str:
    return " ".join(read_page(path).text for path in sorted(site.rglob("*.html")) if "_modules" not in path.parts)


def test_docs_build_with_warnings_as_errors(site: pathlib.Path) -> None:
    for name in ("index", "parameters", "reasons", "operations", "roles", "tokenomics", "invariants",
                 "assurance", "diagrams", "examples", "glossary", "guides/auditors", "guides/implementers"):
        assert (site / f"{name}.html").exists(), name
    for item in pages.CHAPTERS:
        assert (site / f"{item.docname}.html").exists(), item.docname


def test_every_parameter_appears_in_the_site(site_text: str) -> None:
    missing = [name for name in PARAMETER_TABLE if name not in site_text]
    assert missing == []


def test_every_reason_code_appears_in_the_site(site_text: str) -> None:
    missing = [reason.value for reason in Reason if reason.value not in site_text]
    assert missing == []


def test_every_operation_appears_in_the_site(site_text: str) -> None:
    missing = [operation.__name__ for operation in HANDLERS if operation.__name__ not in site_text]
    assert missing == []


def test_every_invariant_id_appears_when_the_registry_exists(site: pathlib.Path) -> None:
    result = registry.load_registry()
    if result.invariants is None:
        pytest.skip(f"invariant registry: {result.note}")
    text = read_page(site / "invariants.html").text
    missing = [invariant.id for invariant in result.invariants if invariant.id not in text]
    assert result.invariants and missing == []


def test_every_assumption_parameter_is_marked_and_no_other(site: pathlib.Path) -> None:
    rows = {row[0]: row for row in read_page(site / "parameters.html").rows if row and row[0] in PARAMETER_TABLE}
    assert set(rows) == set(PARAMETER_TABLE)
    for name, info in PARAMETER_TABLE.items():
        marked = pages.ASSUMPTION_MARK in " ".join(rows[name])
        assert marked == (info.tag == "A"), f"{name} (tag {info.tag}) marked={marked}"


def test_every_chapter_has_the_fixed_shape(site: pathlib.Path) -> None:
    for item in pages.CHAPTERS:
        headings = read_page(site / f"{item.docname}.html").headings
        positions = [headings.index(section) for section in SECTIONS]
        assert positions == sorted(positions), (item.key, headings)


def test_each_operation_lists_the_reasons_its_handler_raises(site: pathlib.Path) -> None:
    index = analysis.build_index()
    for item in pages.CHAPTERS:
        html = (site / f"{item.docname}.html").read_text(encoding="utf-8")
        for name in pages.operation_names_in(item):
            start = html.index(f'id="op-{name.lower()}"')
            end = html.find('id="op-', start + 1)
            parser = _Text()
            parser.feed(html[start:end if end > 0 else len(html)])
            listing = parser.text[parser.text.index("Rejected when"):]
            for code in index.operations[name].reason_codes():
                assert code in listing, (name, code)


def test_the_layout_table_matches_the_code() -> None:
    assert pages.check_layout() == []


def test_rejected_when_list_is_read_from_handler_and_helpers_in_order() -> None:
    facts = analysis.build_index().operations
    assert facts["ClaimLinkRewards"].reason_codes() == [
        "UNKNOWN_LINK", "NOT_LINK_OWNER", "ZERO_AMOUNT", "NEGATIVE_VALUE", "CLAIM_EXCEEDS_ACCRUAL"]
    stake = {check.reason: check for check in facts["StakeLink"].reasons}
    assert stake["LINK_NOT_FREE"].function == "spec.links._require_stakeable"
    assert stake["LINK_NOT_FREE"].condition == "link.status is LinkStatus.FREE"
    assert facts["AdvanceEra"].reason_codes() == ["ERA_NOT_OVER"]
    every = {code for item in facts.values() for code in item.reason_codes()}
    assert every == {reason.name for reason in Reason}


def test_roles_are_read_from_require_role() -> None:
    facts = analysis.build_index().operations
    assert [role.role for role in facts["VerifyScalerNode"].roles] == ["operator"]
    assert [role.role for role in facts["MintLink"].roles] == ["link_minter"]
    assert facts["Transfer"].roles == []
    assert facts["ProposeParameterChange"].roles[0].static is False


def test_lifecycles_reach_every_state_and_follow_the_handlers() -> None:
    index = analysis.build_index()
    for lifecycle in index.lifecycles:
        edges = analysis.lifecycle_edges(index, lifecycle)
        reached = {target for _, target in edges}
        assert reached == set(lifecycle.states), lifecycle.name
    link = next(item for item in index.lifecycles if item.name == "Link")
    edges = analysis.lifecycle_edges(index, link)
    assert edges[("FREE", "STAKED_HYPERNODE")] == ["StakeLink"]
    assert edges[("STAKED_COLLATERAL", "UNSTAKING_COLLATERAL")] == ["RequestUnstakeLink"]
    assert ("STAKED_HYPERNODE", "UNSTAKING_COLLATERAL") not in edges
    booking = next(item for item in index.lifecycles if item.name == "booking")
    assert analysis.lifecycle_edges(index, booking)[("ACTIVE", "ENDED")] == ["AdvanceEra"]


def test_era_pipeline_follows_process_era_end() -> None:
    steps = [step for step, _ in analysis.era_pipeline()]
    assert steps == ["spec.eras.process_challenge_results", "spec.slashing.process_overdue_faults",
                     "spec.links.process_link_accrual", "spec.eras.process_bookings_and_rewards",
                     "spec.eras.start_next_era"]


def _doctest_files() -> list[pathlib.Path]:
    return [path for path in sorted(DOCS.rglob("*.rst"))
            if "_build" not in path.parts and ">>> " in path.read_text(encoding="utf-8")]


def test_the_docs_have_worked_examples() -> None:
    names = {path.relative_to(DOCS).as_posix() for path in _doctest_files()}
    assert {"examples.rst", "guides/implementers.rst"} <= names


@pytest.mark.parametrize("path", _doctest_files(), ids=lambda path: path.relative_to(DOCS).as_posix())
def test_worked_examples_run(path: pathlib.Path) -> None:
    result = doctest.testfile(str(path), module_relative=False, optionflags=doctest.ELLIPSIS, verbose=False,
                              report=True)
    assert result.attempted > 0 and result.failed == 0, result


def test_diagram_falls_back_to_an_edge_list_without_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICNSPEC_DOCS_DOT", "none")
    index = analysis.build_index()
    text = graphs.render(graphs.lifecycle_graph(index, index.lifecycles[0]), "test", "A lifecycle.")
    assert "raw:: html" not in text and "was not found" in text and "VERIFIED" in text


@pytest.mark.skipif(graphs.find_dot() is None, reason="Graphviz is not installed (or ICNSPEC_DOCS_DOT=none)")
def test_diagram_is_svg_with_dot() -> None:
    index = analysis.build_index()
    text = graphs.render(graphs.lifecycle_graph(index, index.lifecycles[0]), "test", "A lifecycle.")
    assert "<svg" in text and "<?xml" not in text


def test_missing_registry_and_reports_are_notes_not_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "REGISTRY_MODULE", "properties.no_such_registry")
    registry.load_registry.cache_clear()
    try:
        assert "not yet produced" in pages.invariants_rst()
    finally:
        monkeypatch.undo()
        registry.load_registry.cache_clear()
    monkeypatch.setattr(registry, "REPORTS", {"fuzz": ("reports/no-such-fuzz.json", "icnspec fuzz --json"),
                                              "prove": ("reports/no-such-prove.json", "icnspec prove --json")})
    text = pages.assurance_rst()
    assert text.count("not yet produced") == 2


def test_reports_are_rendered_with_their_date(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    (tmp_path / "reports").mkdir()
    fuzz = {"steps": 1200, "seconds": 1.5, "rules": {"StakeLink": {"accepted": 3, "rejected": 2,
                                                                  "reasons": {"LINK_NOT_FREE": 2}}},
            "invariants": ["supply-cap"], "violations": [], "date": "2025-08-01"}
    prove = {"bound": 3, "obligations": [{"invariant": "supply-cap", "operation": "Transfer", "status": "proved",
                                          "seconds": 0.5}],
             "lemmas": [], "vacuity": [{"check": "supply-cap falsifiable", "status": "pass"}],
             "agreement": {"steps": 10_000, "mismatches": 0}}
    (tmp_path / "reports" / "fuzz.json").write_text(json.dumps(fuzz))
    (tmp_path / "reports" / "prove.json").write_text(json.dumps(prove))
    monkeypatch.setattr(registry, "REPO_ROOT", str(tmp_path))
    text = pages.assurance_rst()
    assert "2025-08-01 (from the report)" in text and "(file time; not committed)" in text
    assert "LINK_NOT_FREE" in text and "10000 steps, 0 mismatches" in text


@pytest.mark.skipif(graphs.find_dot() is None, reason="the main build already ran without Graphviz")
def test_docs_build_without_graphviz(tmp_path: pathlib.Path) -> None:
    completed, _ = build(tmp_path, ICNSPEC_DOCS_DOT="none")
    assert completed.returncode == 0, completed.stderr
    text = read_page(tmp_path / "diagrams.html").text
    assert "was not found when this page was built" in text
