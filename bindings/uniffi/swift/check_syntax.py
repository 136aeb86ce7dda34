"""Parses the generated Swift with the tree-sitter Swift grammar; any ERROR or MISSING node fails.

No Swift compiler runs on these machines, so this is the check that a syntax break in the
generated Swift (a uniffi template bug, a bad name from the spec) fails the build.

Usage: python check_syntax.py FILE.swift...
"""
import re
import sys

import tree_sitter
import tree_sitter_swift


# tree-sitter-swift does not parse an attribute alone inside `#if ... #endif` (valid Swift, which
# uniffi emits before each private helper). Only that exact form is blanked out, line for line,
# and counted; anything else the grammar rejects still fails.
GUARDED_ATTRIBUTE = re.compile(rb"^[ \t]*#if swift\(>=5\.8\)\n([ \t]*@_documentation\(visibility: private\))\n[ \t]*#endif$", re.M)


def problems(tree):
    """Yields (kind, start point, text) for every ERROR or MISSING node."""
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            yield ("missing" if node.is_missing else "error", node.start_point, node.text[:80])
            continue
        if node.has_error:
            stack.extend(node.children)


def main(paths):
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))
    failed = 0
    for path in paths:
        source = open(path, "rb").read()
        source, guarded = GUARDED_ATTRIBUTE.subn(rb"\n\1\n", source)
        tree = parser.parse(source)
        found = list(problems(tree))
        declarations = sum(
            1
            for n in tree.root_node.children
            if n.type
            in ("class_declaration", "protocol_declaration", "function_declaration", "property_declaration")
        )
        for kind, (row, col), text in found[:20]:
            print(f"{path}:{row + 1}:{col + 1}: {kind}: {text!r}")
        if found or declarations == 0:
            failed += 1
        print(
            f"{path}: {len(source)} bytes, {declarations} top-level declarations, "
            f"{guarded} #if-guarded attributes unwrapped, {len(found)} syntax problem(s)"
        )
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
