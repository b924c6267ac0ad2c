"""Turn a rule's path into the document into start and end lines.

Rules never count lines (cfn-lint's model): they report a path such as
``("Resources", "Role", "Properties", "Policies", 0)`` and this module reads the marks the
decoder left on the nodes, so every rule agrees on where a thing is.
"""

from __future__ import annotations

from typing import Any

from reviewer.engine.decode import Marked
from reviewer.engine.finding import Path


def locate(data: Any, path: Path) -> tuple[int, int]:
    """Lines (1-based, inclusive) of the deepest node of ``path`` that exists."""
    return locate_in_file(data, path)[1:]


def locate_in_file(data: Any, path: Path) -> tuple[str, int, int]:
    """The file ("" for the document's own) and lines of the deepest node of ``path``: a
    document read from several files knows, node by node, which file it came from."""
    source = getattr(data, "source", "")
    start = getattr(data, "start_line", 1) or 1
    end = getattr(data, "end_line", start) or start
    node = data
    for key in path:
        # A path is the rule's (or a validator's: cfn-lint's may hold a mapping); only a
        # name or an index can lead into the document.
        if isinstance(node, dict) and isinstance(key, (str, int)) and key in node:
            child = node[key]
            key_line = getattr(node, "key_lines", {}).get(key)
            if isinstance(child, Marked) and child.start_line:
                if child.source and child.source != source:
                    source, key_line = child.source, None  # the key is in the other file
                start = key_line or child.start_line
                end = max(child.end_line, start)
            elif key_line:
                start = end = key_line
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            child = node[key]
            if isinstance(child, Marked) and child.start_line:
                source = child.source or source
                start, end = child.start_line, child.end_line
        else:
            break
        node = child
    return source, start, end
