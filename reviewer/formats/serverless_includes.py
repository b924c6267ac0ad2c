"""``${file(./resources/table.yml)}``: parts of a service kept in other files of the
repository. Each is read once, from the files of the same review, with every node marked with
its own file and lines, so that a finding inside it points there; the service's variables
apply inside it, as the framework resolves them. A file that is not in the review, does not
parse, or is JavaScript (``${file(./config.js):x}``, run by the framework) is unknown, and
what could not be read is said."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any, Mapping

from reviewer.engine.decode import DecodeError, Marked, load
from reviewer.formats.paths import MAX_FILE_BYTES

# Files one service may include (each also counts against the resolver's bounds).
MAX_INCLUDES = 64
READABLE = (".yml", ".yaml", ".json")


@dataclass
class Problem:
    """An included file that could not be read: (file, line of the variable, message)."""

    path: str
    line: int
    message: str
    unreadable: bool = False  # the file is there but broken (else: absent from the review)


@dataclass
class Includes:
    """The files a service may include, and what it did include."""

    service: str  # the serverless.yml's path in the review
    files: Mapping[str, bytes] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # included path -> its text
    problems: list[Problem] = field(default_factory=list)
    # Every included file that is in the review, read or broken: none is judged on its own.
    consumed: set[str] = field(default_factory=set)
    _loaded: dict[str, Any] = field(default_factory=dict)

    def path_of(self, written: str) -> str | None:
        """The review's path of ``${file(written)}``, relative to the service's folder."""
        written = written.strip().strip("'\"").strip()
        if not written or "${" in written or written.startswith(("/", "~")):
            return None
        folder = posixpath.dirname(self.service)
        path = posixpath.normpath(posixpath.join(folder, written))
        return None if path.startswith("../") or path == ".." else path

    def unknown_name(self, written: str, line: int) -> None:
        """``${file(serverless.functions.${opt:stage}.yml)}``: one file per stage, chosen when
        deployed. Not guessed at, and never passed over in silence either: said once a file."""
        named = written[:written.rfind(")") + 1] if ")" in written else written
        named = named[:200]
        if any(p.path == named for p in self.problems) or len(self.problems) > MAX_INCLUDES:
            return
        self.problems.append(Problem(named, line, f"the service includes {named}, a file whose "
                                     "name is known only when the service is deployed (one per "
                                     "stage); what it holds is known only then, and was not "
                                     "judged here"))

    def load(self, written: str, line: int) -> Any:
        """The decoded content of an included file, or None when it cannot be known here."""
        path = self.path_of(written)
        if path is None or not path.lower().endswith(READABLE):
            return None  # a .js file the framework runs, or a path outside the service
        if path in self._loaded:
            return self._loaded[path]
        self._loaded[path] = None  # a file including itself, or past the bound: unknown
        if len(self._loaded) > MAX_INCLUDES:
            self.problems.append(Problem(path, line, f"the service includes more than "
                                         f"{MAX_INCLUDES} files; {written} was not reviewed"))
            return None
        content = self.files.get(path)
        if content is None:
            self.problems.append(Problem(path, line, f"the service includes {written}, which is "
                                         "not in this review (not in the repository, or not in "
                                         "the folders scanned); its values are known only when "
                                         "the service is deployed"))
            return None
        self.consumed.add(path)
        if len(content) > MAX_FILE_BYTES:
            self.problems.append(Problem(path, line, f"{written} is larger than 1 MB; it was not "
                                         "reviewed", unreadable=True))
            return None
        text = content.decode("utf-8-sig", "replace")
        try:
            data = load(text, path)
        except DecodeError as exc:
            self.problems.append(Problem(path, exc.line, f"{written}, which the service includes, "
                                         f"cannot be read: {exc.message}", unreadable=True))
            return None
        _name_file(data, path)
        self.texts[path] = text
        self._loaded[path] = data
        return data


def _name_file(node: Any, path: str) -> None:
    """Mark every node of an included file with its file (bounded by the decoder's own limit
    on nodes)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Marked):
            item.source = path
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
