"""Every module of the package imports in the environment the README builds.

A dependency that is imported but not declared in pyproject.toml (as `lxml_html_clean` was,
behind trafilatura's HTML cleaning) passes on a machine where it happens to be installed and
crashes on a new one; importing each module, and what it imports lazily for a file type, in the
venv that .ci/run builds from pyproject.toml alone catches that class of defect.
"""

from __future__ import annotations

import importlib
import pkgutil
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
MODULES = sorted(
    f"{package}.{info.name}"
    for package in PACKAGES
    for info in pkgutil.iter_modules([str(ROOT / package.replace(".", "/"))])
)
# Imported inside functions (slow to import, needed only for one file type or one command).
LAZY_IMPORTS = ["trafilatura", "lxml.html.clean", "charset_normalizer", "docx", "pypdf", "faiss", "sentence_transformers",
                "telegram.ext", "psycopg", "psycopg_pool", "pptx"]


@pytest.mark.parametrize("name", MODULES)
def test_module_imports(name: str) -> None:
    importlib.import_module(name)


@pytest.mark.parametrize("name", LAZY_IMPORTS)
def test_lazily_imported_dependency_is_installed(name: str) -> None:
    importlib.import_module(name)
