"""Compile the contracts with the pinned Solidity compiler, once per source version.

The compiler is the npm package ``solc`` pinned in ``examples/solidity/package.json`` (and its lock
file), installed by ``npm ci --prefix examples/solidity`` (``.ci/run`` does it). It runs under Node.js
through ``examples/solidity/compile.js``. Artifacts are cached under a name derived from the SHA-256 of
the sources, the compiler's version and compile.js, so a changed contract is always recompiled.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

SOLIDITY_DIR = Path(__file__).resolve().parent.parent
CONTRACTS_DIR = SOLIDITY_DIR / "contracts"
BUILD_DIR = SOLIDITY_DIR / "build"
COMPILE_SCRIPT = SOLIDITY_DIR / "compile.js"
SOLC_PACKAGE = SOLIDITY_DIR / "node_modules" / "solc" / "package.json"
INSTALL_HINT = "npm ci --prefix examples/solidity"


class ToolMissing(RuntimeError):
    """Node.js or the pinned solc is not installed; the message says how to install it."""


class CompileError(RuntimeError):
    """solc rejected the sources; the message carries its diagnostics."""


def find_node() -> str:
    node = shutil.which("node")
    if node is None:
        raise ToolMissing("Node.js is not on PATH: the Solidity compiler (npm package solc) needs it")
    return node


def solc_version() -> str:
    """The installed solc package version, or :class:`ToolMissing` with the install command."""
    if not SOLC_PACKAGE.is_file():
        raise ToolMissing(f"the pinned Solidity compiler is not installed: run `{INSTALL_HINT}`")
    return json.loads(SOLC_PACKAGE.read_text())["version"]


def sources_digest(contracts_dir: Path) -> str:
    digest = hashlib.sha256()
    digest.update(solc_version().encode())
    digest.update(COMPILE_SCRIPT.read_bytes())
    for path in sorted(contracts_dir.glob("*.sol")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def compile_jobs(jobs: list[dict], timeout: float = 600.0) -> None:
    """Run compile.js once for every job ``{"sources": DIR, "out": FILE, "select": [FILE.sol] | None}``."""
    node = find_node()
    solc_version()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump([{key: value for key, value in job.items() if value is not None} for job in jobs], handle)
    try:
        done = subprocess.run([node, str(COMPILE_SCRIPT), "--jobs", handle.name], capture_output=True, text=True,
                              timeout=timeout, check=False)
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        raise CompileError(done.stderr.strip() or f"compile.js exited with status {done.returncode}")


def compile_many(pairs: list[tuple[Path, Path]], timeout: float = 600.0) -> None:
    """Compile each (contracts folder, artifacts file) pair in one Node.js process."""
    compile_jobs([{"sources": str(sources), "out": str(out)} for sources, out in pairs], timeout)


_IMPORT = re.compile(r'^import\s[^;]*?"\./([^"]+\.sol)"\s*;', re.MULTILINE)


def dependents(contracts_dir: Path, changed: str) -> list[str]:
    """``changed`` and every source file that imports it, directly or not: what a change to it recompiles."""
    imports = {path.name: set(_IMPORT.findall(path.read_text())) for path in contracts_dir.glob("*.sol")}
    affected = {changed}
    grown = True
    while grown:
        grown = False
        for name, imported in imports.items():
            if name not in affected and imported & affected:
                affected.add(name)
                grown = True
    return sorted(affected)


def artifacts_for(contracts_dir: Path = CONTRACTS_DIR, build_dir: Path = BUILD_DIR) -> Path:
    """The compiled artifacts of ``contracts_dir``, compiling them first unless cached."""
    if not any(contracts_dir.glob("*.sol")):
        raise CompileError(f"no Solidity sources (*.sol) in {contracts_dir}")
    out_path = build_dir / f"artifacts-{sources_digest(contracts_dir)[:16]}.json"
    if not out_path.is_file():
        build_dir.mkdir(parents=True, exist_ok=True)
        partial = out_path.with_suffix(f".{os.getpid()}.tmp")
        compile_many([(contracts_dir, partial)])
        os.replace(partial, out_path)
    return out_path
