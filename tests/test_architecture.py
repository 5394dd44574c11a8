"""The apps depend on each other one way (docs/architecture.md, "The arrow"):

    billing.plans  <-  accounts  <-  billing  <-  generation

An app imports only from apps to its left; ``billing.plans`` is the leaf everyone may use and
imports no app. Application code is checked (every module of the three apps but their tests);
``config`` sits above the apps and may use them all.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"accounts": 1, "billing": 2, "generation": 3}
LEAF = "billing.plans"


def imported_names(source: str) -> list[tuple[int, str]]:
    """(line, dotted name) of every import; ``from a import b`` counts as ``a.b``."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return names


def is_within(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


def allowed(module: str, name: str) -> bool:
    """Whether ``module`` may import ``name`` (both dotted)."""
    app, other = module.split(".")[0], name.split(".")[0]
    if other not in LAYERS:
        return True
    if is_within(module, LEAF):
        return False  # the leaf imports no app, not even the rest of its own
    return other == app or LAYERS[other] < LAYERS[app] or is_within(name, LEAF)


def violations(path: str, source: str) -> list[str]:
    """The imports in ``path`` (relative to the repository) that go against the arrow."""
    module = path.removesuffix(".py").replace("/", ".")
    return [f"{path}:{line} imports {name}" for line, name in imported_names(source) if not allowed(module, name)]


def application_modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" not in relative:
                yield relative


def test_no_app_imports_against_the_arrow():
    found = [v for path in application_modules() for v in violations(path, (ROOT / path).read_text())]
    assert found == []


@pytest.mark.parametrize(
    ("path", "source", "allowed"),
    [
        ("accounts/models.py", "from billing.plans import FREE", True),
        ("accounts/views.py", "from billing import plans", True),
        ("accounts/views.py", "from billing.subscriptions import customers_of", False),
        ("accounts/admin.py", "from generation import quota", False),
        ("accounts/teams.py", "import generation.models", False),
        ("billing/views.py", "from accounts.models import User", True),
        ("billing/views.py", "from generation.models import Generation", False),
        ("billing/plans.py", "from accounts.models import User", False),
        ("billing/plans.py", "from billing.subscriptions import GRANTING_STATUSES", False),
        ("generation/api.py", "from accounts.models import ApiKey\nfrom billing.summary import stripe_summary", True),
        ("generation/admin.py", "from generation import quota", True),
    ],
)
def test_the_check_knows_the_arrow(path, source, allowed):
    assert (violations(path, source) == []) is allowed
