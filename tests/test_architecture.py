"""The house keeps its floors: imports point down, never up, and no two parts
import each other, directly or round a loop (see DESIGN.md)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "recoup"

# Lowest first. A part may import its own floor or any floor below.
FLOORS: tuple[frozenset[str], ...] = (
    frozenset({"policy", "settings", "clock", "money", "chat", "logs", "errors", "rates"}),
    frozenset({"ledger"}),
    frozenset({"reader", "tools", "prompts"}),
    frozenset({"guardrails"}),
    frozenset({"mail"}),
    frozenset({"agent", "offline"}),
    frozenset({"approvals"}),
    frozenset({"evals", "daemon", "cli", "demo"}),
)
FLOOR_OF = {part: level for level, parts in enumerate(FLOORS) for part in parts}

Edge = tuple[str, str, str, int]  # importing module, imported module, file, line


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(module: str) -> str:
    """``recoup.ledger.models`` → ``ledger``; ``recoup.clock`` → ``clock``."""
    return module.split(".")[1] if module.count(".") else module


def imported_modules(path: Path) -> Iterator[tuple[str, int]]:
    """Every module a file imports, anywhere in it (inside functions too)."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            yield absolute(package, node.level, node.module), node.lineno


def absolute(package: str, level: int, name: str | None) -> str:
    """The module ``from <dots><name> import …`` means inside ``package``."""
    if not level:
        return name or ""
    base = package.rsplit(".", level - 1)[0] if level > 1 else package
    return f"{base}.{name}" if name else base


def edges() -> list[Edge]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = module_name(path)
        for target, line in imported_modules(path):
            if target.startswith("recoup.") and part_of(target) != part_of(source):
                found.append((source, target, str(path.relative_to(PACKAGE.parent)), line))
    return found


def upward(found: list[Edge]) -> list[str]:
    return [
        f"{file}:{line}: {part_of(source)} imports {target} from a higher floor"
        for source, target, file, line in found
        if FLOOR_OF[part_of(target)] > FLOOR_OF[part_of(source)]
    ]


def cycles(found: list[Edge]) -> list[list[str]]:
    """Every strongly connected group of two or more parts (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for source, target, _, _ in found:
        graph.setdefault(part_of(source), set()).add(part_of(target))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_every_part_has_a_floor() -> None:
    parts = {part_of(module_name(path)) for path in PACKAGE.rglob("*.py")} - {"recoup"}
    assert parts - FLOOR_OF.keys() == set(), "add the new part to FLOORS and DESIGN.md"


def test_imports_point_down_through_the_floors() -> None:
    assert upward(edges()) == []


def test_no_import_cycle_between_parts() -> None:
    assert cycles(edges()) == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ([("recoup.tools.a", "recoup.guardrails.b"), ("recoup.guardrails.b", "recoup.tools.a")],
         [["guardrails", "tools"]]),
        ([("recoup.mail.a", "recoup.ledger.b"), ("recoup.ledger.b", "recoup.clock")], []),
        ([("recoup.agent.a", "recoup.offline.b"), ("recoup.offline.b", "recoup.mail.c"),
          ("recoup.mail.c", "recoup.agent.d")], [["agent", "mail", "offline"]]),
    ],
)  # fmt: skip
def test_the_cycle_finder_finds_cycles(
    graph: list[tuple[str, str]], expected: list[list[str]]
) -> None:
    assert cycles([(source, target, "x.py", 1) for source, target in graph]) == expected


def test_an_upward_import_is_reported() -> None:
    found = [("recoup.ledger.state", "recoup.tools.base", "recoup/ledger/state.py", 3)]
    assert upward(found) == [
        "recoup/ledger/state.py:3: ledger imports recoup.tools.base from a higher floor"
    ]


def test_relative_imports_are_resolved() -> None:
    assert absolute("recoup.ledger.operations", 1, "followups") == (
        "recoup.ledger.operations.followups"
    )
    assert absolute("recoup.ledger.operations", 2, "state") == "recoup.ledger.state"
    assert absolute("recoup.ledger.operations", 3, "tools") == "recoup.tools"
    assert absolute("recoup.mail", 0, "recoup.ledger") == "recoup.ledger"
    assert part_of("recoup.ledger.operations.followups") == "ledger"
    assert part_of("recoup.clock") == "clock"


MAX_FUNCTION_LINES = 80
# Generated (migrations), or scenario authoring data.
LONG_FUNCTIONS_ALLOWED_UNDER = ("ledger/migrations", "evals/authoring")


def long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name} "
        f"({(node.end_lineno or node.lineno) - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_FUNCTION_LINES
    ]


def test_no_function_is_over_80_lines() -> None:
    allowed = tuple(PACKAGE / folder for folder in LONG_FUNCTIONS_ALLOWED_UNDER)
    found = [
        long
        for path in sorted(PACKAGE.rglob("*.py"))
        if not any(path.is_relative_to(folder) for folder in allowed)
        for long in long_functions(path)
    ]
    assert found == []
