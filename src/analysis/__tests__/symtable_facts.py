"""CPython's view of module-level names, for the analyzer's differential test.

Usage: symtable_facts.py OUT.json FILE...  Writes {path: {"defined": [...], "used": [...]}} or
{path: {"error": "..."}} for files CPython does not compile. One process for every file.

defined: names the module binds (assignment, import, def, class, del, for/with/except targets,
walrus, match captures), plus names functions bind through `global`.
used: names read at module level, plus names nested scopes read that resolve to the module
(implicit or explicit globals), plus `x += ...` targets (a read symtable does not flag).
"""

import ast
import json
import symtable
import sys
from _symtable import GLOBAL_EXPLICIT, GLOBAL_IMPLICIT


def _is_global(sym: symtable.Symbol) -> bool:
    # Symbol.is_global() in 3.11 misreads a function named "top" as the module (its table name).
    return sym._Symbol__scope in (GLOBAL_EXPLICIT, GLOBAL_IMPLICIT)


def _module_facts(source: str, path: str) -> dict:
    table = symtable.symtable(source, path, "exec")
    defined, used = set(), set()
    for sym in table.get_symbols():
        if sym.is_assigned() or sym.is_imported() or sym.is_namespace():
            defined.add(sym.get_name())
        if sym.is_referenced():
            used.add(sym.get_name())
    stack = list(table.get_children())
    while stack:
        child = stack.pop()
        stack.extend(child.get_children())
        for sym in child.get_symbols():
            if not _is_global(sym):
                continue
            if sym.is_referenced():
                used.add(sym.get_name())
            if sym._Symbol__scope == GLOBAL_EXPLICIT and (sym.is_assigned() or sym.is_imported()):
                defined.add(sym.get_name())
    tree = ast.parse(source, path)
    used |= _augmented_module_names(tree)
    annotated_only = {
        node.target.id
        for node in tree.body
        if isinstance(node, ast.AnnAssign) and node.value is None and isinstance(node.target, ast.Name)
    }
    return {
        "defined": sorted(defined),
        "used": sorted(used),
        "annotated_only": sorted(annotated_only),
    }


class _Augmented(ast.NodeVisitor):
    """`x += 1` targets that are module names: at module level, or declared global."""

    def __init__(self) -> None:
        self.names: set = set()
        self.globals: list = [None]

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        scope = self.globals[-1]
        if isinstance(node.target, ast.Name) and (scope is None or node.target.id in scope):
            self.names.add(node.target.id)
        self.generic_visit(node)

    def _scoped(self, node: ast.AST) -> None:
        declared = {n for s in ast.walk(node) if isinstance(s, ast.Global) for n in s.names}
        self.globals.append(declared)
        self.generic_visit(node)
        self.globals.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = visit_ClassDef = _scoped


def _augmented_module_names(tree: ast.AST) -> set:
    visitor = _Augmented()
    visitor.visit(tree)
    return visitor.names


def main() -> None:
    out, paths = sys.argv[1], sys.argv[2:]
    facts = {}
    for path in paths:
        try:
            with open(path, "rb") as f:
                source = f.read().decode("utf-8")
            facts[path] = _module_facts(source, path)
        except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError) as e:
            facts[path] = {"error": f"{type(e).__name__}: {e}"}
    with open(out, "w") as f:
        json.dump(facts, f)


if __name__ == "__main__":
    main()
