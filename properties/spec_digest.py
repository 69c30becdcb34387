"""The SHA-256 of ``spec/``: which reference a report, a vector or a fuzz run speaks for."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

SPEC_DIR = Path(__file__).resolve().parent.parent / "spec"


def compute_spec_digest(spec_dir: Path = SPEC_DIR) -> dict:
    """SHA-256 over the ``spec/`` sources: each file's relative path and bytes, in path order."""
    overall = hashlib.sha256()
    files = {}
    for path in sorted(spec_dir.rglob("*.py")):
        relative = path.relative_to(spec_dir.parent).as_posix()
        content = path.read_bytes()
        files[relative] = hashlib.sha256(content).hexdigest()
        overall.update(relative.encode() + b"\0" + content + b"\0")
    return {"sha256": overall.hexdigest(), "files": files}


@functools.cache
def get_reference_sha256() -> str:
    """The digest of the ``spec/`` this process runs (computed once per process)."""
    return compute_spec_digest()["sha256"]


def describe_reference() -> dict:
    """The reference running here: its ``spec/`` digest, the git commit of its checkout when there is one,
    and whether ``spec/`` differs from that commit (None when git cannot tell)."""
    import subprocess

    info: dict = {"spec_sha256": get_reference_sha256(), "git_commit": None, "spec_modified": None}
    try:
        head = subprocess.run(["git", "-C", str(SPEC_DIR.parent), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=10, check=False)
        status = subprocess.run(["git", "-C", str(SPEC_DIR.parent), "status", "--porcelain", "--", "spec"],
                                capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return info
    if head.returncode == 0 and status.returncode == 0:
        info["git_commit"] = head.stdout.strip()
        info["spec_modified"] = bool(status.stdout.strip())
    return info
