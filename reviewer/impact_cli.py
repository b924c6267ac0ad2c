"""``policies impact``: what a change to the organisation's rules would add and remove."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reviewer.engine.impact import RepoImpact, summarise
from reviewer.pipeline import impact_of


def run(args: argparse.Namespace) -> int:
    """Review each local checkout with the old and the new organisation folder."""
    from reviewer.cli import _repository_rules, _repository_settings, collect
    from reviewer.config.errors import ConfigError
    from reviewer.policies_cli import layers_in_force

    results: list[RepoImpact] = []
    for repo in args.repos:
        root = Path(repo)
        try:
            if not root.is_dir():
                raise ConfigError(repo, 0, "", "no such folder")
            files, _ = collect([repo])
            config = _repository_settings(argparse.Namespace(config=None), root)
            repo_rules = _repository_rules(root)
            old = layers_in_force(None, args.old, config, repo_rules)
            new = layers_in_force(None, args.new, config, repo_rules)
        except Exception as exc:  # noqa: BLE001 - one repository's failure is listed, not fatal
            results.append(RepoImpact(repo, error=str(exc)))
            continue
        results.append(impact_of(repo, files, old, new))
    summary = summarise(results)
    if args.format == "json":
        print(json.dumps(summary.to_dict(), indent=2))
    else:
        sys.stdout.write(summary.text())
    return 0
