"""Every third-party package the code imports is pinned with == in requirements.txt, so an install
today and one next year run the same code."""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"accounts", "billing", "generation", "config", "tests", "bench", "conftest", "manage"}
SOURCES = ["accounts", "billing", "generation", "config", "tests", "bench", "conftest.py", "manage.py"]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?==\S+")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements() -> list[str]:
    """requirements.txt without comments and blank lines."""
    lines = (line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines())
    return [line for line in lines if line]


def pinned() -> set[str]:
    return {normalized(match[1]) for line in requirements() if (match := PIN.match(line))}


def imported_top_level_modules() -> set[str]:
    paths = [
        path
        for source in SOURCES
        for path in ([ROOT / source] if source.endswith(".py") else (ROOT / source).rglob("*.py"))
    ]
    modules = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
    return modules - PROJECT - set(sys.stdlib_module_names)


def test_every_imported_package_is_pinned():
    distributions = packages_distributions()
    unpinned = {
        module: distributions.get(module, ["?"])
        for module in imported_top_level_modules()
        if not any(normalized(dist) in pinned() for dist in distributions.get(module, []))
    }
    assert unpinned == {}


def test_every_requirement_is_pinned_exactly():
    assert [line for line in requirements() if not PIN.match(line)] == []
