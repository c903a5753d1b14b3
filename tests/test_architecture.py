"""The house's plan, asserted: packages by stage, each importing only its own stage and those below
it (README, "Architecture"), and no import cycle between modules. A new module belongs in the stage
whose concept it is; if this test fails, it is in the wrong place or imports the wrong way."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "scorecard_xl"

# Stage ranks, lowest first: a module may import its own package and any package of a lower rank.
STAGES = {
    "foundations": 0,  # errors, a1, atomic, progress, spc: used by every stage, import nothing above
    "inputs": 1,
    "drawing": 1,
    "model": 2,
    "workbook": 2,
    "layout": 3,
    "write": 4,
    "generate": 5,
    "refresh": 6,
    "checks": 6,
    "extracts": 6,
    "send": 7,
    "batch": 8,
    "cli": 9,
    "front doors": 10,  # the package itself and the Lite plugin: they may call on anything
}
FRONT_DOORS = {"scorecard_xl", "scorecard_xl.lite_scripts"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> str:
    if module in FRONT_DOORS:
        return "front doors"
    parts = module.split(".")
    if len(parts) == 2 and (PACKAGE / f"{parts[1]}.py").is_file():
        return "foundations"
    return parts[1]


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, *, at_import_time: bool) -> set[str]:
    """The scorecard_xl modules `path` imports; `at_import_time`: only those its import runs (not
    inside functions, nor under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if at_import_time:
        nodes = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    else:
        nodes = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("scorecard_xl"):
            for alias in node.names:
                named = f"{node.module}.{alias.name}"
                found.add(named if named in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("scorecard_xl"))
    return {name for name in found if name in MODULES}


def test_every_package_is_a_stage() -> None:
    for module in MODULES:
        assert stage_of(module) in STAGES, f"{module}: a package with no stage in STAGES"


def wrong_way(graph: dict[str, set[str]]) -> list[str]:
    """Each import of a later stage, or of another package of the same stage."""
    wrong = []
    for module, imported_modules in sorted(graph.items()):
        stage = stage_of(module)
        for imported in sorted(imported_modules):
            if imported == "scorecard_xl":  # __version__; the package itself imports lazily
                continue
            other = stage_of(imported)
            if other != stage and STAGES[other] >= STAGES[stage]:
                wrong.append(f"{module} ({stage}) imports {imported} ({other})")
    return wrong


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    state: dict[str, int] = {}  # 1 on the path, 2 done
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == 1:
                cycles.append([*path[path.index(imported) :], imported])
            elif imported not in state:
                visit(imported, [*path, imported])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return cycles


def test_no_module_imports_a_later_stage() -> None:
    wrong = wrong_way({m: imports_of(p, at_import_time=False) for m, p in MODULES.items()})
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle() -> None:
    cycles = find_cycles({m: imports_of(p, at_import_time=True) - {m} for m, p in MODULES.items()})
    assert not cycles, "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_the_rules_can_fail() -> None:
    """An upward import, a sideways one between stages of one rank, and a cycle are each seen."""
    assert wrong_way({"scorecard_xl.inputs.values": {"scorecard_xl.cli.main"}})
    assert wrong_way({"scorecard_xl.checks.check": {"scorecard_xl.refresh.contents"}})
    assert not wrong_way({"scorecard_xl.cli.main": {"scorecard_xl.inputs.values", "scorecard_xl.errors"}})
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert not find_cycles({"a": {"b"}, "b": {"c"}, "c": set()})
    assert "scorecard_xl.inputs.definition" in imports_of(
        MODULES["scorecard_xl.inputs.definition_reader"], at_import_time=True
    )
