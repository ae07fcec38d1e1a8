"""The graph of which term uses which: reach, cycles and chains, without recursion.

A graph maps each term's name to the names its formulas use. Every walk here keeps a stack
of its own, so a file of ten thousand terms, each using the next, needs no deep Python
stack, and each runs in time about linear in the graph.
"""

from __future__ import annotations

from collections import deque

Graph = dict[str, set[str]]


def reachable(start: str, deps: Graph) -> set[str]:
    """Every name ``start`` depends on, directly or not."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        for nxt in deps.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def components(deps: Graph) -> dict[str, int]:
    """The strongly connected component of every name (Tarjan's algorithm): two names have
    the same one exactly when each depends on the other, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def enter(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)

    for root in deps:
        if root in index:
            continue
        enter(root)
        work = [(root, iter(deps.get(root, ())))]
        while work:
            name, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    enter(child)
                    work.append((child, iter(deps.get(child, ()))))
                elif child in on_stack:
                    low[name] = min(low[name], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[name])
            if low[name] == index[name]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = index[name]
                    if member == name:
                        break
    return component


def shortest_path(start: str, goal: str, deps: Graph) -> list[str]:
    """A shortest chain of dependencies from ``start`` to ``goal`` (both included); the
    names are tried in sorted order, so the chain is the same from run to run."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if current == goal:
            break
        for nxt in sorted(deps.get(current, ())):
            if nxt not in previous:
                previous[nxt] = current
                queue.append(nxt)
    chain: list[str] = []
    node: str | None = goal
    while node is not None:
        chain.append(node)
        node = previous.get(node)
    return chain[::-1]


def longest_chains(deps: Graph, component: dict[str, int]) -> tuple[dict[str, int], dict[str, str]]:
    """For each name, how many terms its longest chain of uses holds (itself included), and the
    name that chain goes on to. Uses inside a cycle are left out: a cycle is an error of its own."""
    length: dict[str, int] = {}
    onward: dict[str, str] = {}

    def acyclic(name: str) -> list[str]:
        return sorted(n for n in deps.get(name, ()) if component.get(n) != component.get(name))

    for root in deps:
        work = [root]
        while work:
            name = work[-1]
            if name in length:
                work.pop()
                continue
            pending = [n for n in acyclic(name) if n not in length]
            if pending:
                work.extend(pending)
                continue
            work.pop()
            best = max(((length[n], n) for n in acyclic(name)), default=(0, ""))
            length[name] = best[0] + 1
            if best[1]:
                onward[name] = best[1]
    return length, onward
