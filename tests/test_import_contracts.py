"""The import-linter contracts in pyproject.toml can fail: `make test` runs lint-imports, and one forbidden import
against each contract, in a copy of the project, breaks exactly the contracts it should.

The copy holds the project's Python packages and pyproject.toml; lint-imports runs there in a fresh process (the
packages imported by this test run would otherwise be the ones it reads).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# One module per contract in pyproject.toml, in its order, each with an import that contract forbids.
FORBIDDEN = [
    ("web", "boards.rendering"),  # arrows point down
    ("journeys", "django_htmx"),  # the core knows nothing of HTTP or sockets
    ("dashboard", "channels.layers"),  # only live/ uses Channels
    ("exchange", "boards.views"),  # feature apps never import another feature's views
    ("workshops", "painpoints.views"),
    ("boards", "workshops.lens_mirror_views"),
    ("painpoints", "dashboard.views"),
    ("api", "notifications.views"),
    ("notifications", "api.views"),
    ("accounts", "comments.views"),
    ("comments", "webhooks.views"),
    ("webhooks", "intake.views"),
    ("intake", "fixes.views"),
    ("fixes", "priorities.views"),
    ("priorities", "versions.views"),
]


def copy_of_the_project(target: Path) -> Path:
    for package in CONFIG["root_packages"]:
        shutil.copytree(ROOT / package, target / package, ignore=shutil.ignore_patterns("*.pyc", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_make_test_runs_lint_imports():
    recipe = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "lint-imports" in recipe


def test_every_contract_gets_a_forbidden_import():
    assert len(CONFIG["contracts"]) == len(FORBIDDEN)


@pytest.mark.slow
def test_lint_imports_fails_on_one_forbidden_import_for_each_contract(tmp_path: Path):
    project = copy_of_the_project(tmp_path)
    untouched = lint_imports(project)
    assert untouched.returncode == 0, untouched.stdout + untouched.stderr  # the copy itself keeps every contract

    for where, what in FORBIDDEN:
        (project / where / "contract_breaker.py").write_text(f"import {what}  # noqa: F401\n")
    broken = lint_imports(project)

    assert broken.returncode == 1, broken.stdout + broken.stderr
    # Every contract broken, by the one import meant for it (each is named in the report).
    assert f"Contracts: 0 kept, {len(FORBIDDEN)} broken." in broken.stdout, broken.stdout
    for where, _what in FORBIDDEN:  # external packages are reported by their top-level name
        assert f"{where}.contract_breaker -> " in broken.stdout, broken.stdout
