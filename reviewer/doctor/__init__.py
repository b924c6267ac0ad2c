"""``policy-reviewer doctor``: is the app wired right, for each installation and repository?

The pipeline is the package: ``reviewer.github.wiring`` reads GitHub's answers into
``answers``; ``verdicts`` (and ``branches`` for a default branch) turn them into
``findings``; ``render`` writes them as text or JSON. Everything here is pure: only
``reviewer.github`` talks to GitHub.
"""

from __future__ import annotations

from reviewer.doctor.findings import Finding, Section, exit_status
from reviewer.doctor.verdicts import diagnose

__all__ = ["Finding", "Section", "diagnose", "exit_status"]
