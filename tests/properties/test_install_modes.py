"""The same profile and seed give the same fuzz run however the package is installed.

Hypothesis draws some values from the literal constants of "local" modules (those outside site-packages),
so before the pool was pinned (:func:`properties.fuzz.harness.project_constants`) an editable install and
``pip install .`` drew different examples. Here the project's packages are copied into the site-packages of a
fresh virtualenv (what ``pip install .`` does with them) and the run is compared with the one from this
checkout.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
import sys
import sysconfig
import venv

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARGUMENTS = ["fuzz", "--profile", "dev", "--seed", "5", "--json"]


def _run(python: str, cwd: pathlib.Path, extra_path: str | None = None) -> dict:
    env = None
    if extra_path is not None:
        import os

        env = dict(os.environ, PYTHONPATH=extra_path)
    completed = subprocess.run([python, "-m", "properties.cli", *ARGUMENTS], cwd=cwd, env=env,
                               capture_output=True, text=True, timeout=600)
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    return json.loads(completed.stdout)


def test_site_packages_install_and_checkout_run_the_same_examples(tmp_path):
    # Given the packages installed into a virtualenv's site-packages (dependencies from this interpreter)
    environment = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(environment)
    python = str(environment / "bin" / "python")
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    for package in ("spec", "models", "properties"):
        shutil.copytree(ROOT / package, pathlib.Path(site) / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    installed = subprocess.run([python, "-c", "import properties, sys; print(properties.__file__)"],
                               cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert installed.startswith(site), installed
    # When the same profile and seed run from there and from the checkout
    from_site = _run(python, tmp_path)
    from_checkout = _run(sys.executable, ROOT, extra_path=str(ROOT))
    # Then the runs are the same: steps, and accepted/rejected counts per rule
    assert from_site["steps"] == from_checkout["steps"] > 0
    assert from_site["rules"] == from_checkout["rules"]
    assert sysconfig.get_paths()["purelib"] != site
