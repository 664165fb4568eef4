"""Findings on the case timeline: what a network query found, the notes of an on-site check or a search.

The timeline entry of such an action reads as its summary (which names the assets found and the notes); this module
adds what the summary cannot hold: the full notes when the summary had to cut them, and each asset a network query
found with the asset registered from it (if any), so the page can offer "register this asset" with its details
filled in. One query for the actions, one for the assets registered from them, whatever the timeline's length.
"""

from __future__ import annotations

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from .actions import found_text
from .models import Action, ActionKind

# The measures whose details are findings (what the officer found out), with the detail key of their free notes.
FINDING_NOTES = {
    ActionKind.NETWORK_QUERY: "note",
    ActionKind.ONSITE_INVESTIGATION: "findings",
    ActionKind.SEARCH: "findings",
}


def found_rows(action: Action) -> list[dict]:
    """The assets a network query found (``details["found"]``), each a dict with its index ``row``."""
    if action.kind != ActionKind.NETWORK_QUERY:
        return []
    rows = (action.details or {}).get("found") or []
    return [dict(r, row=i) for i, r in enumerate(rows) if isinstance(r, dict) and r.get("type")]


def _registered(action_ids: list[int]) -> dict[tuple[int, int], int]:
    """{(action id, row): asset id} for the assets registered from these findings."""
    if not action_ids or not apps.is_installed("assets"):
        return {}
    asset_model = apps.get_model("assets", "Asset")
    return {(a, r): pk for a, r, pk in asset_model.objects.filter(source_action_id__in=action_ids)
            .values_list("source_action_id", "source_row", "pk")}


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the assets pages are not installed
        return None


def attach_findings(*, case, timeline: list) -> None:
    """Give each timeline event of a finding a ``finding`` attribute: {"notes": full notes when the summary cut
    them, "found": [{"text", "register_url", "asset_id", "asset_url"}]}."""
    ids = {ev.parameters.get("action_id") for ev in timeline
           if ev.type == "action_logged" and ev.parameters.get("kind") in FINDING_NOTES}
    ids.discard(None)
    if not ids:
        return
    actions = {a.pk: a for a in Action.objects.filter(case=case, pk__in=ids).only("pk", "kind", "details", "case_id")}
    registered = _registered(list(actions))
    add_url = _url("assets:asset_add", case.pk)
    assets_url = _url("cases:detail", case.pk)
    for ev in timeline:
        action = actions.get(ev.parameters.get("action_id")) if ev.type == "action_logged" else None
        if action is None:
            continue
        notes = str((action.details or {}).get(FINDING_NOTES[action.kind]) or "").strip()
        found = []
        for r in found_rows(action):
            asset_id = registered.get((action.pk, r["row"]))
            found.append({
                "text": found_text(r), "asset_id": asset_id,
                "register_url": f"{add_url}?finding={action.pk}&row={r['row']}" if add_url else None,
                "asset_url": f"{assets_url}?tab=assets#asset-{asset_id}" if assets_url and asset_id else None,
            })
        ev.finding = {"notes": notes if notes and notes not in ev.summary else "", "found": found}
