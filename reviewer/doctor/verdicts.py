"""``policy-reviewer doctor``'s verdicts: the app, its webhook and each installation.

Pure: it takes GitHub's answers (read by ``reviewer.github.wiring``) and returns findings in
plain words, each problem with its fix. It never talks to GitHub, so every verdict here is
tested without a network. A repository's default branch is judged in ``branches``.
"""

from __future__ import annotations

from reviewer.doctor.answers import AppAnswer, Delivery, HookAnswer, InstallationAnswer, Unreadable, Wiring
from reviewer.doctor.branches import repo_section
from reviewer.doctor.findings import (EVENT_NAMES, FAIL, NEEDED_EVENTS, NEEDED_PERMISSIONS, OK,
                                      ORGANISATION_ONLY, PERMISSION_NAMES, UNKNOWN, WARN, Finding,
                                      Section, event_list, missing_permissions, permission_list,
                                      unknown)

# How many failed deliveries are shown one by one.
SHOWN_DELIVERIES = 5


def diagnose(wiring: Wiring) -> list[Section]:
    """The findings, grouped: the app, its webhook, then each installation and repository."""
    app = wiring.app if isinstance(wiring.app, AppAnswer) else None
    sections = [_app_section(wiring, app), _webhook_section(wiring)]
    if isinstance(wiring.installations, Unreadable):
        sections.append(Section("Installations", [unknown("the app's installations",
                                                           wiring.installations)]))
        return sections
    if not wiring.installations:
        sections.append(Section("Installations", [Finding(
            FAIL, "the app is installed nowhere: nothing is reviewed",
            "install it on the organisation (the app's public page → Install), on the repositories to review "
            "and on .github")]))
    if wiring.more_installations:
        sections.append(Section("Installations", [Finding(
            UNKNOWN, f"the app has more installations than the {len(wiring.installations)} checked here")]))
    sections += [_installation_section(wiring, app, inst) for inst in wiring.installations]
    return sections


def _app_section(wiring: Wiring, app: AppAnswer | None) -> Section:
    if app is None:
        assert isinstance(wiring.app, Unreadable)
        if wiring.app.status == 401:
            return Section(f"App {wiring.app_id}", [Finding(
                FAIL, f"GitHub refused the app's credentials ({wiring.app.reason})",
                "check that GITHUB_APP_ID is the app's id (app settings → General → About), that the private "
                "key is one of the app's current keys, and that GITHUB_API_URL is the right GitHub")])
        return Section(f"App {wiring.app_id}", [unknown("the app's permissions and events", wiring.app)])
    section = Section(f"App {app.id} ({app.slug}) at {wiring.api_url}")
    missing = missing_permissions(app.permissions, NEEDED_PERMISSIONS)
    if missing:
        section.findings.append(Finding(
            FAIL, f"the app does not ask for {permission_list(missing)}",
            "in the app's settings → Permissions & events, set " + ", ".join(
                f"{PERMISSION_NAMES.get(p, p)} to {level}" for p, level in missing.items())
            + "; then an owner of each installation must accept the new permissions"))
    else:
        section.findings.append(Finding(OK, f"the app asks for {permission_list(NEEDED_PERMISSIONS)}"))
    absent = [e for e in NEEDED_EVENTS if e not in app.events]
    if absent:
        section.findings.append(Finding(
            FAIL, f"the app is not subscribed to {event_list(absent)}",
            "in the app's settings → Permissions & events → Subscribe to events, tick "
            + ", ".join(EVENT_NAMES[e] for e in absent)
            + "; then an owner of each installation must accept the change"))
    else:
        section.findings.append(Finding(OK, f"the app is subscribed to {event_list(NEEDED_EVENTS)}"))
    if wiring.client_id and app.client_id and wiring.client_id != app.client_id:
        section.findings.append(Finding(
            FAIL, f"GITHUB_CLIENT_ID is not this app's client id ({app.client_id}): signing in to the review "
                  "page fails", f"set GITHUB_CLIENT_ID to {app.client_id} (and its client secret)"))
    return section


def _webhook_section(wiring: Wiring) -> Section:
    section = Section("Webhook")
    hook = wiring.hook
    expected = f"{wiring.public_url}/webhook" if wiring.public_url else None
    if isinstance(hook, Unreadable):
        section.findings.append(unknown("the webhook URL", hook))
    elif not hook.url:
        section.findings.append(Finding(
            FAIL, "the app has no webhook URL: GitHub delivers nothing, so nothing is reviewed",
            f"set it in the app's settings → General → Webhook URL{f' to {expected}' if expected else ''}"))
    elif expected is None:
        section.findings.append(Finding(
            OK, f"GitHub delivers to {hook.url} (PUBLIC_URL is not set, so it is not compared)"))
    elif hook.url.rstrip("/") != expected:
        section.findings.append(Finding(
            FAIL, f"GitHub delivers to {hook.url}, but PUBLIC_URL says the app listens at {expected}: "
                  "deliveries do not reach it",
            f"set the app's webhook URL (settings → General → Webhook URL) to {expected}, or correct PUBLIC_URL"))
    else:
        section.findings.append(Finding(OK, f"GitHub delivers to {hook.url}, as PUBLIC_URL says"))
    if isinstance(hook, HookAnswer) and hook.insecure_ssl:
        section.findings.append(Finding(
            WARN, "GitHub does not verify the TLS certificate when it delivers",
            "turn SSL verification back on in the app's settings → General → Webhook"))
    if wiring.public_url:
        # GET /app does not return the app's callback URLs, and no other endpoint does.
        section.findings.append(Finding(
            UNKNOWN, "the OAuth callback URL cannot be read through GitHub's API",
            f"check by hand that the app's settings → General → Callback URL lists "
            f"{wiring.public_url}/oauth/callback (the review page's sign-in)"))
    section.findings.append(_deliveries(wiring.deliveries))
    return section


def _deliveries(deliveries: list[Delivery] | Unreadable) -> Finding:
    if isinstance(deliveries, Unreadable):
        return unknown("recent webhook deliveries", deliveries)
    # Newest first, as GitHub lists them: a failure later redelivered with success is settled.
    settled = {d.guid for d in deliveries if 200 <= d.status_code < 300}
    failed = [d for d in deliveries if not 200 <= d.status_code < 300 and d.guid not in settled]
    if not failed:
        return Finding(OK, f"none of the last {len(deliveries)} webhook deliveries failed")
    shown = tuple(f"{d.delivered_at}  {d.event}{'.' + d.action if d.action else ''}  →  "
                  f"{d.status_code or 'no answer'} {d.status}  (delivery {d.id})" for d in failed[:SHOWN_DELIVERIES])
    return Finding(
        WARN, f"{len(failed)} of the last {len(deliveries)} webhook deliveries failed and were not redelivered "
              "(their pull requests may have no review)",
        "once the cause is fixed, redeliver them: the app's settings → Advanced → Recent deliveries → "
        "Redeliver (or POST /app/hook/deliveries/{id}/attempts)", shown)


# ----------------------------------------------------------------------------- installations


def _installation_section(wiring: Wiring, app: AppAnswer | None, inst: InstallationAnswer) -> Section:
    organisation = inst.account_type == "Organization"
    kind = "organisation" if organisation else "personal account"
    section = Section(f"Installation {inst.id}: {inst.account} ({kind}, {inst.selection} repositories)")
    where = f"the installation's settings ({inst.html_url})" if inst.html_url else "the installation's settings"
    if inst.suspended:
        section.findings.append(Finding(FAIL, "the installation is suspended: nothing is reviewed there",
                                        f"an owner can unsuspend it in {where}"))
    needed = {p: lv for p, lv in NEEDED_PERMISSIONS.items() if organisation or p not in ORGANISATION_ONLY}
    missing = missing_permissions(inst.permissions, needed)
    absent = [e for e in NEEDED_EVENTS if e not in inst.events]
    for kind, lacking, names in (("permissions", missing, permission_list(missing)),
                                 ("events", absent, event_list(absent) if absent else "")):
        if not lacking:
            continue
        # Until an owner accepts, an installation keeps the permissions and events it had.
        asked = app is not None and not (missing_permissions(app.permissions, missing) if kind == "permissions"
                                         else [e for e in absent if e not in app.events])
        fix = (f"an owner must accept the new permissions in {where}" if asked else
               "the app must ask for them first (see the app above); then an owner accepts them in " + where)
        section.findings.append(Finding(FAIL, f"the installation lacks {names}", fix))
    if not missing and not absent:
        section.findings.append(Finding(OK, "the installation has the permissions and events the app needs"))
    if organisation:
        section.findings.append(_org_repo(inst))
    if isinstance(inst.repos, Unreadable):
        section.findings.append(unknown("the installation's repositories", inst.repos))
        return section
    if inst.total_repos > len(inst.repos):
        section.findings.append(Finding(
            UNKNOWN, f"{inst.total_repos} repositories; the first {len(inst.repos)} were checked"))
    section.sections = [repo_section(wiring, app, inst, repo) for repo in inst.repos]
    return section


def _org_repo(inst: InstallationAnswer) -> Finding:
    name = f"{inst.account}/.github"
    if isinstance(inst.org_repo, Unreadable):
        return unknown(f"whether {name} is visible", inst.org_repo)
    if inst.org_repo:
        return Finding(OK, f"{name} is visible: the organisation's rules are read")
    if inst.selection == "selected":
        return Finding(FAIL, f"{name} is not visible to this installation: the organisation's rules are not read",
                       "install the app on .github too (the installation's settings → Repository access)")
    # With every repository selected, a 404 means there is no such repository.
    return Finding(OK, f"the organisation has no {name}: the shipped rules and each repository's own apply")
