"""No import cycle runs between two rooms: each room can be read, changed and tested alone.

import-linter's layers contract (pyproject.toml) orders the tiers, but it lets siblings of one
tier (the rooms' pages, say) import each other and it ignores the modules outside the tiers
(`demo.py`, `tasks.py`, `apps.py`, `access.py`). This test closes that gap with grimp,
import-linter's graph library: it finds the strongly connected components of the module
import graph of `fivesafes` (every import counts, also those inside functions) and fails when
one of them holds modules of two rooms, printing one cycle through them with line numbers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

import grimp
import pytest

# The rooms and the platform beside them; the later rooms are named before they exist.
ROOMS = (
    "people",
    "projects",
    "data",
    "delivery",
    "workspace",
    "release",
    "accounts",
    "audit",
    "jobs",
    "web",
    "api",
    "policy",
    "shared",
)

Graph = Mapping[str, frozenset[str]]


def room_of(module: str) -> str:
    """`fivesafes.people.models.institution` -> `people`; other top-level modules are their own."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def strongly_connected(graph: Graph) -> list[list[str]]:
    """Tarjan's algorithm, without recursion (the graph is deep): the components of 2+ modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph[succ]))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def path_within(graph: Graph, start: str, goal: str, allowed: set[str]) -> list[str]:
    """The shortest import chain from `start` to `goal` through `allowed` modules."""
    came_from: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            break
        for succ in sorted(graph[node]):
            if succ in allowed and succ not in came_from:
                came_from[succ] = node
                queue.append(succ)
    chain = [goal]
    while (previous := came_from[chain[-1]]) is not None:
        chain.append(previous)
    return chain[::-1]


def cycle_across_rooms(graph: Graph, component: Iterable[str]) -> list[str]:
    """One cycle in `component` that crosses from one room into another and back."""
    members = set(component)
    for importer in sorted(members):
        for imported in sorted(graph[importer] & members):
            if room_of(importer) != room_of(imported):
                return [importer, *path_within(graph, imported, importer, members)]
    raise AssertionError("a component spanning rooms has an edge between rooms")


def describe(import_graph: grimp.ImportGraph, cycle: list[str]) -> str:
    lines = []
    for importer, imported in zip(cycle, cycle[1:], strict=False):
        details = import_graph.get_import_details(importer=importer, imported=imported)
        where = ", ".join(f"l.{d['line_number']}" for d in details) or "?"
        lines.append(f"  {importer} -> {imported} ({where})")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def import_graph() -> grimp.ImportGraph:
    return grimp.build_graph("fivesafes", cache_dir=None)


def module_graph(import_graph: grimp.ImportGraph) -> dict[str, frozenset[str]]:
    return {
        module: frozenset(import_graph.find_modules_directly_imported_by(module))
        for module in import_graph.modules
    }


def test_the_cycle_finder_finds_a_cycle_between_two_rooms() -> None:
    graph = {
        "fivesafes.policy.checks": frozenset({"fivesafes.people.access"}),
        "fivesafes.people.access": frozenset({"fivesafes.people.rules", "fivesafes.policy.checks"}),
        "fivesafes.people.rules": frozenset(),
        "fivesafes.people.models": frozenset({"fivesafes.people.views"}),
        "fivesafes.people.views": frozenset({"fivesafes.people.models"}),
    }
    components = strongly_connected(graph)
    assert sorted(components) == [
        ["fivesafes.people.access", "fivesafes.policy.checks"],
        ["fivesafes.people.models", "fivesafes.people.views"],
    ]
    crossing = [c for c in components if len({room_of(m) for m in c}) > 1]
    assert cycle_across_rooms(graph, crossing[0]) == [
        "fivesafes.people.access",
        "fivesafes.policy.checks",
        "fivesafes.people.access",
    ]


def test_no_import_cycle_runs_between_two_rooms(import_graph: grimp.ImportGraph) -> None:
    graph = module_graph(import_graph)
    assert {room_of(m) for m in graph} >= {"people", "projects", "policy", "shared"}
    crossing = [c for c in strongly_connected(graph) if len({room_of(m) for m in c}) > 1]
    report = [
        f"{len(c)} modules of {', '.join(sorted({room_of(m) for m in c}))} import each other "
        f"in a circle, e.g.:\n{describe(import_graph, cycle_across_rooms(graph, c))}"
        for c in crossing
    ]
    assert not crossing, f"{len(crossing)} import cycle(s) run between rooms:\n" + "\n".join(report)
