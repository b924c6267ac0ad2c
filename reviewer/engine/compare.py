"""Compare two commits' findings by fingerprint: new, unchanged, fixed.

Lines never take part: moving a resource down a file must not make its old problem look
new. Renamed files are followed by mapping the base's paths to the head's names first.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from reviewer.engine.finding import Finding, disambiguate

NEW, UNCHANGED, FIXED = "new", "unchanged", "fixed"


@dataclass
class Comparison:
    """Head's findings marked new/unchanged, plus base findings that head fixed."""

    findings: list[Finding] = field(default_factory=list)  # head's, with state
    fixed: list[Finding] = field(default_factory=list)  # base's, state "fixed"

    def by_state(self, state: str) -> list[Finding]:
        pool = self.fixed if state == FIXED else self.findings
        return [f for f in pool if f.state == state]


def compare(base: list[Finding], head: list[Finding], renames: dict[str, str]) -> Comparison:
    """Classify findings; ``renames`` maps base paths to head paths."""
    moved = [dataclasses.replace(f, path=renames.get(f.path, f.path),
                                 scope=renames.get(f.scope, f.scope), fingerprint="") for f in base]
    disambiguate(moved)
    base_prints = {f.fingerprint for f in moved}
    head_prints = {f.fingerprint for f in head}
    result = Comparison()
    for finding in head:
        finding.state = UNCHANGED if finding.fingerprint in base_prints else NEW
        result.findings.append(finding)
    for original, renamed in zip(base, moved):
        if renamed.fingerprint not in head_prints:
            # Reported where it was (base lines), under the name the file has now.
            result.fixed.append(dataclasses.replace(original, path=renamed.path,
                                                    fingerprint=renamed.fingerprint, state=FIXED))
    return result
