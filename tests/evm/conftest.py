"""The EVM path: the Solidity port compiled by the pinned solc and run in revm.

The tools are installed by the project's own files: ``pip install -e '.[dev]'`` brings pyrevm and
pycryptodome, ``npm ci --prefix examples/solidity`` the pinned solc (``.ci/run`` does both). Outside CI a
missing tool skips these tests with the command that installs it; in CI (``CI=true``) it fails them.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

SOLIDITY_DIR = Path(__file__).resolve().parents[2] / "examples" / "solidity"
ADAPTER = SOLIDITY_DIR / "adapter.py"
if str(SOLIDITY_DIR) not in sys.path:
    sys.path.insert(0, str(SOLIDITY_DIR))


def missing_tool() -> str:
    """Why the EVM path cannot run here, or '' when every tool is installed."""
    for module, package in (("pyrevm", "pyrevm"), ("Crypto", "pycryptodome")):
        if importlib.util.find_spec(module) is None:
            return f"{package} is not installed: run pip install -e '.[dev]'"
    from icnevm.build import ToolMissing, find_node, solc_version

    try:
        find_node()
        solc_version()
    except ToolMissing as error:
        return str(error)
    return ""


def require_tools() -> None:
    reason = missing_tool()
    if not reason:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the EVM path needs its tools in CI: {reason}", pytrace=False)
    pytest.skip(f"EVM path not available: {reason}")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The committed contracts, compiled (cached by source hash under examples/solidity/build)."""
    require_tools()
    from icnevm.build import artifacts_for

    return artifacts_for()


@pytest.fixture(scope="session")
def driver_factory(artifacts):
    from icnevm.driver import EvmDriver

    def make(**kwargs):
        return EvmDriver(artifacts=kwargs.pop("artifacts", artifacts), **kwargs)

    return make


@pytest.fixture(scope="session")
def port_vectors(tmp_path_factory, artifacts) -> list[str]:
    """The vectors the ledger port can run (scenarios using only its operations, and the ledger walks)."""
    from icnevm.bugs import write_vectors
    from icnevm.driver import EvmDriver

    return write_vectors(tmp_path_factory.mktemp("port-vectors"), EvmDriver(artifacts=artifacts).operations)


@pytest.fixture(scope="session")
def adapter_command(artifacts) -> str:
    return f"{sys.executable} {ADAPTER} --artifacts {artifacts}"
