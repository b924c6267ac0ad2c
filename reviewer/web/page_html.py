"""The review page as plain HTML: server-rendered, no JavaScript, readable on a phone.

Every value comes from a repository or a person (paths, messages, reasons) and is escaped
with ``html.escape`` where it is placed; nothing is ever rendered as a template.
"""

from __future__ import annotations

import time
from html import escape
from typing import Any
from urllib.parse import quote

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
details summary{cursor:pointer}h2.inline{display:inline}form.inline{display:inline}
form.inline button{background:none;border:0;padding:0;color:#0969da;cursor:pointer;font:inherit}
.tag{font-size:.75rem;border-radius:1rem;padding:0 .5rem;border:1px solid #d0d7de}
.blocks{background:#ffebe9;color:#cf222e;border-color:#ff8182;font-weight:600}
.accepted-tag,.waived-tag{background:#dafbe1;color:#1a7f37}
.banner{border-left:4px solid #9a6700}.failure-banner{border-left-color:#cf222e}
pre{background:#f6f8fa;padding:.4rem;overflow-x:auto;white-space:pre-wrap}.pulltitle{font-weight:600}
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


DELTA_SHOWN = 10  # actions shown per principal before "and N more" (riskiest first)


def page(record: dict[str, Any] | None, state: dict[str, Any] | None, viewer: str, csrf: str,
         links: dict[str, Any]) -> str:
    """The whole page for a pull request: where its latest head stands, then its last
    completed review (``record``), for the signed-in ``viewer``. ``links``: ``web`` (GitHub's
    address), ``repository`` and ``number``, to link the pull request, files and threads."""
    repository, number = str(links.get("repository", "")), links.get("number", "")
    pull_url = f"{links.get('web', '')}/{repository}/pull/{number}"
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        '<meta name=viewport content="width=device-width, initial-scale=1">',
        f"<title>Review of {_e(repository)}#{_e(number)}</title>",
        f"<style>{STYLE}</style></head><body><main>",
        "<header><div>",
        f'<h1><a href="{_e(pull_url)}">{_e(repository)} #{_e(number)}</a></h1>',
    ]
    if record and record.get("pull_title"):
        parts.append(f"<div class=pulltitle>{_e(record['pull_title'])}</div>")
    parts.append(f'</div><div class=muted>Signed in as {_e(viewer)} · <form method=post action="/logout" '
                 f'class=inline><input type=hidden name=csrf value="{_e(csrf)}"><button>sign out</button>'
                 "</form></div></header>")
    parts.append(_state_banner(state, record))
    if record is None:
        parts.append("</main></body></html>")
        return "".join(parts)
    conclusion = str(record.get("conclusion", ""))
    badge = conclusion if conclusion in ("failure", "success") else "other"
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(float(record.get("at", 0))))
    older = state is not None and state.get("head") != record.get("head")
    parts.append(f"<h2>{'Last completed review, of an older commit' if older else 'Review'}</h2>")
    parts.append(f'<div><span class="badge {badge}">{_e(conclusion or "unknown")}</span> '
                 f"<strong>{_e(record.get('title', ''))}</strong></div>")
    parts.append(f'<div class=muted>Commit <code>{_e(str(record.get("head", ""))[:12])}</code>, reviewed '
                 f"{when}" + (f" · organisation rules: {_e(str(record['org_rules']).replace('`', ''))}" if record.get("org_rules") else "")
                 + "</div>")
    counts = record.get("counts") or {}
    if counts:
        parts.append(f"<p class=counts><strong>{_e(counts.get('new', 0))} new</strong> "
                     f"({_e(counts.get('failing', 0))} blocking), {_e(counts.get('fixed', 0))} fixed, "
                     f"{_e(counts.get('unchanged', 0))} unchanged ({_e(counts.get('waived', 0))} "
                     "waived or accepted)</p>")
    for reason in record.get("incomplete") or []:
        parts.append(f'<div class="card"><strong>Not reviewed:</strong> {_e(reason)}</div>')
    rules = {r["id"]: r for r in record.get("rules") or [] if isinstance(r, dict) and "id" in r}
    if record.get("accepted"):
        parts.append("<h2>Accepted for this commit</h2>")
        parts.append('<p class=muted>A new push is judged afresh; accepting changes no configuration.</p>')
        for a in record["accepted"]:
            parts.append(f'<div class="card accepted"><strong>@{_e(a.get("by"))}</strong> accepted '
                         f'{_e(a.get("what"))} on {_e(a.get("when"))}: {_e(a.get("reason"))}</div>')
    place = _Places(links, str(record.get("head", "")))
    for key, heading in (("new", "New findings"), ("fixed", "Fixed by this change"),
                         ("unchanged", "Unchanged (already on the base branch)")):
        block = record.get(key) or {}
        items = block.get("items") or []
        title = f"{heading} ({len(items) + int(block.get('more', 0))})"
        cards = [_finding(item, rules.get(item.get("rule")), place, key) for item in items]
        if block.get("more"):
            cards.append(f"<p class=muted>… and {_e(block['more'])} more.</p>")
        if key == "new":
            parts.append(f"<h2>{title}</h2>" + ("".join(cards) or "<p class=muted>None.</p>"))
        elif items:
            parts.append(f"<details><summary><h2 class=inline>{title}</h2></summary>{''.join(cards)}</details>")
    parts.append("<h2>Permission delta</h2>")
    delta = record.get("delta") or []
    if not delta:
        parts.append("<p class=muted>No principal gains permissions.</p>")
    for item in delta:
        parts.append(_delta(item))
    if record.get("reach"):
        parts.append(_reach(record["reach"]))
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
    parts.append("<details><summary><h2 class=inline>Rules that applied</h2></summary><div class=scroll>"
                 "<table><tr><th>rule</th><th>severity</th><th>set by</th><th>locked</th></tr>")
    for rule in rules.values():
        severity = _e(rule.get("severity")) if rule.get("enabled", True) else "off"
        parts.append(f"<tr><td><code>{_e(rule['id'])}</code><br><span class=muted>{_e(rule.get('title', ''))}"
                     f"</span></td><td>{severity}</td><td>{_e(rule.get('layer', ''))}</td>"
                     f"<td>{'yes' if rule.get('locked') else ''}</td></tr>")
    parts.append("</table></div></details></main></body></html>")
    return "".join(parts)


def _state_banner(state: dict[str, Any] | None, record: dict[str, Any] | None) -> str:
    """Where the latest head stands, when it is not the review shown below."""
    if state is None or (record is not None and state.get("head") == record.get("head")
                         and state.get("state") == "reviewed"):
        return ""
    head = _e(str(state.get("head", ""))[:12])
    below = (f" Below: the last completed review, of commit <code>{_e(str(record.get('head', ''))[:12])}"
             "</code>.") if record is not None and record.get("head") != state.get("head") else ""
    if state.get("state") == "failed":
        return (f'<div class="card banner failure-banner"><strong>Commit <code>{head}</code> could not be '
                f"reviewed</strong>: {_e(state.get('words', ''))}. Its check fails until it is; "
                f"re-run the check, or ask whoever runs policy-reviewer.{below}</div>")
    if state.get("state") == "reviewing":
        return (f'<div class="card banner"><strong>Commit <code>{head}</code> is being reviewed '
                f"now.</strong> Reload in a moment.{below}</div>")
    return ""


class _Places:
    """Links to GitHub: a file at the reviewed commit and line, and a review thread."""

    def __init__(self, links: dict[str, Any], head: str) -> None:
        self.base = f"{links.get('web', '')}/{links.get('repository', '')}"
        self.number, self.head = links.get("number", ""), head

    def line(self, item: dict[str, Any], at_head: bool) -> str:
        where = f"{item.get('path', '')}:{item.get('line', '')}"
        if not at_head:
            return _e(where)
        url = (f"{self.base}/blob/{quote(self.head)}/{quote(str(item.get('path', '')))}"
               f"#L{int(item.get('line') or 1)}")
        return f'<a href="{_e(url)}">{_e(where)}</a>'

    def thread(self, item: dict[str, Any]) -> str:
        thread = item.get("thread")
        if not isinstance(thread, int) or isinstance(thread, bool):
            return ""
        return f' · <a href="{_e(f"{self.base}/pull/{self.number}#discussion_r{thread}")}">thread</a>'


NEW_TAG = '<span class="tag blocks">new</span> '


def _reach(views: list[Any]) -> str:
    """Who can assume the roles and reach the resources the change touches; new marked."""
    out = ["<h2>Who can assume or reach what this change touches</h2>"]
    for view in views:
        if not isinstance(view, dict):
            continue
        verb = "can be assumed by" if view.get("kind") == "assume" else "can be reached by"
        items = "".join(_entry(e) for e in view.get("entries") or [] if isinstance(e, dict)) \
            or "<li class=muted>nobody any more</li>"
        out.append(f"<div class=card><strong>{_e(view.get('holder'))}</strong> <span class=muted>"
                   f"{_e(view.get('path'))}</span> {verb}:<ul>{items}</ul></div>")
    return "".join(out)


def _groups(groups: list[Any]) -> str:
    """Gained actions per set of resources and by what is at stake; each group's list folds."""
    out = ["<ul>"]
    for group in groups:
        if not (isinstance(group, list) and len(group) == 2):
            continue
        place, risks = group
        where = ("on " + ", ".join(f"<code>{_e(r)}</code>" for r in place) + ": ") if place else ""
        parts = []
        for label, gained, count in (r for r in risks if isinstance(r, list) and len(r) == 3):
            names = ", ".join(f"<code>{_e(a)}</code>" for a in gained)
            css = "error" if label in RISKY else "muted"
            parts.append(f'<details><summary><span class={css}>{_e(label)}</span> {_e(count)}</summary>'
                         f"{names}</details>")
        out.append(f"<li>{where}{''.join(parts)}</li>")
    return "".join(out) + "</ul>"


RISKY = {"privilege escalation", "credentials exposure", "resource exposure", "data exfiltration"}


def _entry(entry: dict[str, Any]) -> str:
    actions = ", ".join(f"<code>{_e(a)}</code>" for a in (entry.get("actions") or [])[:5])
    when = "; ".join(str(c) for c in entry.get("conditions") or [])
    return ("<li>" + (NEW_TAG if entry.get("new") else "") + f"<code>{_e(entry.get('principal'))}</code>: "
            + actions + (f" <span class=muted>when {_e(when)}</span>" if when else "")
            + f" <span class=muted>(line {_e(entry.get('line'))})</span></li>")


def _delta(item: dict[str, Any]) -> str:
    risks = item.get("risks") or {}
    added = item.get("added") or []

    def shown(actions: list[Any]) -> str:
        return ", ".join(f"<code>{_e(a)}</code>" + (f" <span class=muted>({_e(', '.join(risks[a]))})</span>"
                                                    if risks.get(a) else "") for a in actions)

    escalation = (f"<div class=error><strong>Can escalate privileges:</strong> "
                  f"{_e(', '.join(item['escalation']))}</div>") if item.get("escalation") else ""
    rest = len(added) - DELTA_SHOWN + int(item.get("more") or 0)
    more = (f"<details><summary>and {rest} more</summary>{shown(added[DELTA_SHOWN:])}"
            + (f" and {_e(item['more'])} more" if item.get("more") else "") + "</details>") if rest > 0 else ""
    gains = (f'<div>gains {len(added) + int(item.get("more") or 0)}: {shown(added[:DELTA_SHOWN])}</div>'
             if added else "<div class=muted>no new actions</div>")
    if added and item.get("groups"):
        gains = f'<div>gains {len(added) + int(item.get("more") or 0)}:</div>' + _groups(item["groups"])
        more = ""
    widened = "".join(
        f"<li>line {_e(c.get('line'))}" + (f" (was line {_e(c['base_line'])})" if c.get("base_line") else "")
        + f", {_e(c.get('headline', c.get('kind')))}: "
        + ", ".join(f"<code>{_e(a)}</code>" for a in (c.get("actions") or [])[:5])
        + f" {_e(c.get('detail', ''))}</li>" for c in item.get("changes") or [] if isinstance(c, dict))
    return (f'<div class=card><strong>{_e(item.get("principal"))}</strong> '
            f'<span class=muted>{_e(item.get("path"))}</span>{escalation}{gains}{more}'
            + (f"<div>Access widened:</div><ul>{widened}</ul>" if widened else "") + "</div>")


def _finding(item: dict[str, Any], rule: dict[str, Any] | None, place: _Places, kind: str) -> str:
    severity = str(item.get("severity", ""))
    css = severity if severity in ("error", "warning", "note") else "note"
    waived = str(item.get("waived", ""))
    if waived:
        label = "accepted" if waived.startswith("accepted by") else "waived"
        status = f'<span class="tag {label}-tag">{label}: does not block</span>'
    elif item.get("blocking"):
        status = '<span class="tag blocks">blocks this change</span>'
    else:
        status = ""
    out = [f'<div class="card{" accepted" if waived else ""}"><span class="sev {css}">{_e(severity)}</span> '
           f"{status} <code>{_e(item.get('rule'))}</code> <span class=muted>"
           f"{place.line(item, kind != 'fixed')}"
           + (f" · {_e(item['resource'])}" if item.get("resource") else "") + place.thread(item) + "</span>",
           f"<div>{_e(item.get('message', ''))}</div>"]
    if waived:
        out.append(f"<div class=muted>{_e(waived)}</div>")
    if item.get("suggestion"):
        out.append(f"<div class=muted>Suggested change:</div><pre>{_e(item['suggestion'])}</pre>")
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


def button_page(title: str, text: str, action: str, label: str, csrf: str,
                fields: dict[str, str]) -> str:
    """A page with one button that POSTs to ``action`` with this site's form token."""
    hidden = "".join(f'<input type=hidden name="{_e(k)}" value="{_e(v)}">' for k, v in fields.items())
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            '<meta name=viewport content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{STYLE}</style></head><body><main>"
            f"<h1>{_e(title)}</h1><p>{_e(text)}</p><form method=post action=\"{_e(action)}\">"
            f'<input type=hidden name=csrf value="{_e(csrf)}">{hidden}'
            f"<button id=go>{_e(label)}</button></form></main></body></html>")


def message_page(title: str, text: str, status_note: str = "") -> str:
    """A small page for sign-in problems and absent reviews."""
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            '<meta name=viewport content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{STYLE}</style></head><body><main>"
            f"<h1>{_e(title)}</h1><p>{_e(text)}</p><p class=muted>{_e(status_note)}</p></main></body></html>")
