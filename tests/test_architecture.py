"""Rules of the layout that review alone would let slip (DESIGN.md, 'Inside an app')."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "bangfu"
SURFACES = ["views.py", "api.py", "forms.py", "context_processors.py"]
LAYERS = [
    "core",
    "accounts",
    "registry",
    "pairing",
    "visits",
    "teams",
    "health",
    "plans",
    "monitoring",
    "checks",
    "projects",
    "supervision",
    "reports",
    "national",
    "exchange",
    "api",
    "demo",
]  # dependencies point left, never right


def modules(names):
    """Each app's modules of these names, or the modules of its package of that name (an app's
    views become a package ``views/`` past about 600 lines)."""
    for name in names:
        yield from APPS.glob(f"*/{name}")
        yield from APPS.glob(f"*/{name.removesuffix('.py')}/*.py")


def test_views_and_the_api_never_touch_a_manager():
    """Pages, forms and the API reach data through selectors and services, never `.objects`."""
    offenders = []
    for path in modules(SURFACES):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_dependencies_point_down_the_list_of_apps():
    offenders = []
    for index, app in enumerate(LAYERS):
        above = LAYERS[index + 1 :]
        for path in (APPS / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module:
                    parts = node.module.split(".")
                    if parts[0] == "bangfu" and len(parts) > 1 and parts[1] in above:
                        offenders.append(f"{path.relative_to(ROOT)} imports {node.module}")
    assert offenders == []


def test_every_app_on_disk_is_placed_in_the_layers():
    apps = {p.parent.name for p in APPS.glob("*/apps.py")}
    assert apps == set(LAYERS)


def test_no_model_hides_workflow_in_save_or_signals():
    offenders = []
    for path in APPS.glob("*/models.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in {"save", "delete"}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    for path in APPS.rglob("*.py"):
        if "receiver(" in path.read_text() or path.name == "signals.py":
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
