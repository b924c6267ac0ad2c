"""The review page as plain HTML: server-rendered, no JavaScript, readable on a phone.

Every value comes from a repository or a person (paths, messages, reasons) and is escaped
with ``html.escape`` where it is placed; nothing is ever rendered as a template.
"""

from __future__ import annotations

import time
from html import escape
from typing import Any

STYLE = """
body{font:15px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;
margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:64rem;margin:0 auto;padding:1rem}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:baseline;justify-content:space-between}
h1{font-size:1.3rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
.badge{display:inline-block;padding:.1rem .6rem;border-radius:1rem;font-weight:600;color:#fff}
.failure{background:#cf222e}.success{background:#1a7f37}.other{background:#6e7781}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:.6rem .8rem;margin:.5rem 0;
overflow-wrap:anywhere}
.sev{font-weight:600;text-transform:uppercase;font-size:.75rem}.error{color:#cf222e}
.warning{color:#9a6700}.note{color:#0969da}.muted{color:#656d76;font-size:.9rem}
.accepted{border-left:4px solid #1a7f37}code{font-size:.9em;background:#eff1f3;padding:0 .2rem;border-radius:3px}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
details summary{cursor:pointer}
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def page(record: dict[str, Any], viewer: str, sign_out: str) -> str:
    """The whole page for one review record, for the signed-in ``viewer``."""
    conclusion = str(record.get("conclusion", ""))
    badge = conclusion if conclusion in ("failure", "success") else "other"
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(float(record.get("at", 0))))
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        '<meta name=viewport content="width=device-width, initial-scale=1">',
        f"<title>Review of {_e(record.get('repository'))}#{_e(record.get('number'))}</title>",
        f"<style>{STYLE}</style></head><body><main>",
        "<header><div>",
        f"<h1>{_e(record.get('repository'))} #{_e(record.get('number'))}</h1>",
        f'<div><span class="badge {badge}">{_e(conclusion or "unknown")}</span> '
        f"{_e(record.get('title', ''))}</div>",
        f'<div class=muted>Commit <code>{_e(str(record.get("head", ""))[:12])}</code>, reviewed {when}</div>',
        f'</div><div class=muted>Signed in as {_e(viewer)} · <a href="{_e(sign_out)}">sign out</a></div></header>',
    ]
    for reason in record.get("incomplete") or []:
        parts.append(f'<div class="card"><strong>Not reviewed:</strong> {_e(reason)}</div>')
    rules = {r["id"]: r for r in record.get("rules") or [] if isinstance(r, dict) and "id" in r}
    if record.get("accepted"):
        parts.append("<h2>Accepted for this commit</h2>")
        parts.append('<p class=muted>A new push is judged afresh; accepting changes no configuration.</p>')
        for a in record["accepted"]:
            parts.append(f'<div class="card accepted"><strong>@{_e(a.get("by"))}</strong> accepted '
                         f'{_e(a.get("what"))} on {_e(a.get("when"))}: {_e(a.get("reason"))}</div>')
    for key, heading in (("new", "New findings"), ("fixed", "Fixed by this change"),
                         ("unchanged", "Unchanged (already on the base branch)")):
        block = record.get(key) or {}
        items = block.get("items") or []
        parts.append(f"<h2>{heading} ({len(items) + int(block.get('more', 0))})</h2>")
        if not items:
            parts.append("<p class=muted>None.</p>")
        for item in items:
            parts.append(_finding(item, rules.get(item.get("rule"))))
        if block.get("more"):
            parts.append(f"<p class=muted>… and {_e(block['more'])} more.</p>")
    parts.append("<h2>Permission delta</h2>")
    delta = record.get("delta") or []
    if not delta:
        parts.append("<p class=muted>No principal gains permissions.</p>")
    for item in delta:
        risks = item.get("risks") or {}
        actions = ", ".join(
            f"<code>{_e(a)}</code>" + (f" <span class=muted>({_e(', '.join(risks[a]))})</span>" if risks.get(a) else "")
            for a in item.get("added") or [])
        escalation = (f"<div class=error><strong>Can escalate privileges:</strong> "
                      f"{_e(', '.join(item['escalation']))}</div>") if item.get("escalation") else ""
        more = f" and {_e(item['more'])} more" if item.get("more") else ""
        parts.append(f'<div class=card><strong>{_e(item.get("principal"))}</strong> '
                     f'<span class=muted>{_e(item.get("path"))}</span>{escalation}'
                     f'<div>gains {len(item.get("added") or [])}{more}: {actions}</div></div>')
    if record.get("rule_changes"):
        parts.append("<h2>Rule changes</h2><ul>")
        parts += [f"<li>{_e(line)}</li>" for line in record["rule_changes"]]
        parts.append("</ul>")
    if isinstance(record.get("impact"), dict):
        parts.append(_impact(record["impact"]))
    if record.get("expiring"):
        parts.append("<h2>Waivers expiring soon</h2><ul>")
        parts += [f"<li><code>{_e(w.get('rule'))}</code> on {_e(w.get('where'))}: expires "
                  f"{_e(w.get('expires'))}" + (f", owner {_e(w['owner'])}" if w.get("owner") else "")
                  + f" <span class=muted>({_e(w.get('source'))})</span></li>" for w in record["expiring"]]
        parts.append("</ul>")
    parts.append("<h2>Rules that applied</h2><div class=scroll><table><tr><th>rule</th>"
                 "<th>severity</th><th>set by</th><th>locked</th></tr>")
    for rule in rules.values():
        state = _e(rule.get("severity")) if rule.get("enabled", True) else "off"
        parts.append(f"<tr><td><code>{_e(rule['id'])}</code><br><span class=muted>{_e(rule.get('title', ''))}"
                     f"</span></td><td>{state}</td><td>{_e(rule.get('layer', ''))}</td>"
                     f"<td>{'yes' if rule.get('locked') else ''}</td></tr>")
    parts.append("</table></div></main></body></html>")
    return "".join(parts)


def _finding(item: dict[str, Any], rule: dict[str, Any] | None) -> str:
    severity = str(item.get("severity", ""))
    css = severity if severity in ("error", "warning", "note") else "note"
    accepted = " accepted" if str(item.get("waived", "")).startswith("accepted by") else ""
    where = f"{item.get('path', '')}:{item.get('line', '')}"
    out = [f'<div class="card{accepted}"><span class="sev {css}">{_e(severity)}</span> '
           f"<code>{_e(item.get('rule'))}</code> <span class=muted>{_e(where)}"
           + (f" · {_e(item['resource'])}" if item.get("resource") else "") + "</span>",
           f"<div>{_e(item.get('message', ''))}</div>"]
    if item.get("waived"):
        out.append(f"<div class=muted>{_e(item['waived'])}</div>")
    if rule:
        out.append(f"<details><summary>Why, and how to fix it</summary><p>{_e(rule.get('rationale', ''))}</p>"
                   + (f"<p><strong>Fix:</strong> {_e(rule['fix'])}</p>" if rule.get("fix") else "")
                   + _about(rule) + "</details>")
    out.append("</div>")
    return "".join(out)


def _impact(impact: dict[str, Any]) -> str:
    """Every repository the rule change touches, finding by finding (as kept in the store)."""
    out = ["<h2>Impact on the organisation's repositories</h2>",
           f"<p>The rules as changed here {_e(impact.get('headline', ''))}.</p>"]
    if impact.get("hidden"):
        out.append(f"<p class=muted>{_e(impact['hidden'])} more repositories were judged; you "
                   "cannot read them, or they were not checked, so they are not shown.</p>")
    for item in impact.get("results") or []:
        if not isinstance(item, dict):
            continue
        if item.get("error"):
            out.append(f"<div class=card><strong>{_e(item.get('repo'))}</strong>: could not be "
                       f"reviewed: {_e(item['error'])}</div>")
            continue
        if not item.get("added_count") and not item.get("removed_count"):
            continue
        out.append(f"<div class=card><strong>{_e(item.get('repo'))}</strong> "
                   f"<span class=muted>+{_e(item.get('added_count', 0))} / "
                   f"-{_e(item.get('removed_count', 0))}</span><ul>")
        for sign, key in (("+", "added"), ("−", "removed")):
            for f in item.get(key) or []:
                out.append(f"<li>{sign} <code>{_e(f.get('rule'))}</code> {_e(f.get('path'))}:"
                           f"{_e(f.get('line'))} {_e(f.get('message'))}</li>")
            shown = len(item.get(key) or [])
            total = int(item.get(f"{key}_count") or 0)
            if total > shown:
                out.append(f"<li class=muted>and {total - shown} more {key}</li>")
        out.append("</ul></div>")
    return "".join(out)


def _about(rule: dict[str, Any]) -> str:
    """A rule's metadata line: category, tags, owner and its page (https only, by schema)."""
    parts = []
    if rule.get("category"):
        parts.append(f"category: {_e(rule['category'])}")
    if rule.get("tags"):
        parts.append("tags: " + ", ".join(_e(t) for t in rule["tags"]))
    if rule.get("owner"):
        parts.append(f"owner: {_e(rule['owner'])}")
    url = str(rule.get("url") or "")
    if url.startswith("https://"):
        parts.append(f'<a href="{_e(url)}" rel="noreferrer noopener">more about this rule</a>')
    return f"<p class=muted>{' · '.join(parts)}</p>" if parts else ""


def message_page(title: str, text: str, status_note: str = "") -> str:
    """A small page for sign-in problems and absent reviews."""
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            '<meta name=viewport content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{STYLE}</style></head><body><main>"
            f"<h1>{_e(title)}</h1><p>{_e(text)}</p><p class=muted>{_e(status_note)}</p></main></body></html>")
