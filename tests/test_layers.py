"""The house has floors: apps import downward only, and no module imports itself back through others."""

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "units", "accounts", "notifications", "projects", "clues", "supervision", "dispatch",
            "wage_warnings", "credit", "campaigns", "reports", "demo", "config")


def _cycles(graph, modules):
    """Strongly connected components of more than one module (Tarjan), each a sorted list."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.find_modules_directly_imported_by(node):
            if target not in modules:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    sys.setrecursionlimit(10000)
    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_back_through_others():
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False)
    # A package's __init__ is imported by each of its modules: it is not a cycle of code.
    modules = {m for m in graph.modules if not any(m == p for p in PACKAGES)}
    assert _cycles(graph, modules) == []


def test_the_layers_contract_holds():
    result = subprocess.run([sys.executable, "-m", "importlinter.cli", "lint-imports"], cwd=ROOT,
                            capture_output=True, text=True)
    if result.returncode != 0:
        # lint-imports is the console script; fall back to it when the module entry point is absent
        result = subprocess.run([str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT,
                                capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "broken" not in result.stdout.split("Contracts:")[-1] or "0 broken" in result.stdout
