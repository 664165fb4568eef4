"""Reads of the electronic case file, scoped by the permission policy in the query."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from accounts.policy import Perm, scope_q

from .models import ArchiveVolume, FileItem, Section, VolumeStatus
from .services import sections_for

SEARCH_MAX = 100


@dataclass
class CatalogueEntry:
    item: FileItem
    seq: int
    first: int
    last: int


@dataclass
class CatalogueSection:
    section: Section
    entries: list


def catalogue(case) -> tuple[list[CatalogueSection], list[FileItem], int]:
    """The 卷内目录: sections in order, each with its items and their running page ranges; the superseded items
    apart; the total of pages. Two queries."""
    sections = sections_for(case.court_id)
    items = list(FileItem.objects.filter(case_id=case.pk).select_related("section", "filed_by")
                 .order_by("section__position", "position", "id"))
    by_section = {s.pk: CatalogueSection(section=s, entries=[]) for s in sections}
    superseded, page, seq = [], 1, 0
    for item in items:
        if item.superseded:
            superseded.append(item)
            continue
        group = by_section.get(item.section_id)
        if group is None:  # a section the court switched off: still shown, at its place
            group = by_section.setdefault(item.section_id, CatalogueSection(section=item.section, entries=[]))
        seq += 1
        group.entries.append(CatalogueEntry(item=item, seq=seq, first=page, last=page + item.page_count - 1))
        page += item.page_count
    return list(by_section.values()), superseded, page - 1


def item_get_for_user(*, user, pk: int) -> FileItem:
    from django.http import Http404

    item = (FileItem.objects.select_related("case__court", "case__team", "case__officer", "section")
            .filter(scope_q(user, Perm.CASE_VIEW, court="case__court", team="case__team",
                            officer="case__officer"), pk=pk).first())
    if item is None:
        raise Http404
    return item


def volume_get_for_user(*, user, pk: int) -> ArchiveVolume:
    from django.http import Http404

    volume = (ArchiveVolume.objects.select_related("case__court", "case__team", "case__officer", "built_by")
              .filter(scope_q(user, Perm.CASE_VIEW, court="case__court", team="case__team",
                              officer="case__officer"), pk=pk).first())
    if volume is None:
        raise Http404
    return volume


def volume_current(case) -> ArchiveVolume | None:
    return (ArchiveVolume.objects.filter(case_id=case.pk).order_by(
        # the live one (building or done) first, else the latest failed attempt
        "-id").exclude(status=VolumeStatus.FAILED).first()
        or ArchiveVolume.objects.filter(case_id=case.pk).order_by("-id").first())


def items_for_user(user, *, case_id: int | None = None):
    qs = FileItem.objects.filter(scope_q(user, Perm.CASE_VIEW, court="case__court", team="case__team",
                                         officer="case__officer")).select_related("case", "section")
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    return qs.order_by("case_id", "section__position", "position", "id")


def volumes_for_user(user):
    return (ArchiveVolume.objects.filter(scope_q(user, Perm.CASE_VIEW, court="case__court", team="case__team",
                                                 officer="case__officer"))
            .select_related("case", "built_by").order_by("-id"))


def search(user, query: str, *, case_id: int | None = None) -> list[dict]:
    """Items whose text or title contains ``query`` (a Chinese substring: the trigram index serves ILIKE), in the
    cases the user may see; each with a snippet around the first hit."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    qs = items_for_user(user, case_id=case_id).filter(Q(text__icontains=query) | Q(title__icontains=query)) \
        .filter(superseded=False).select_related("case")[:SEARCH_MAX]
    results = []
    for item in qs:
        text = " ".join(item.text.split())
        at = text.lower().find(query.lower())
        snippet = text[max(at - 30, 0): at + len(query) + 30] if at >= 0 else ""
        results.append({"item": item, "snippet": snippet, "case": item.case})
    return results


def to_archive(user):
    """Closed cases the user may archive (EFILE_ARCHIVE scope) that have no volume building or built, oldest
    closure first: the 待归档 page and its home tile."""
    from cases.models import Case, Stage

    live = ArchiveVolume.objects.exclude(status=VolumeStatus.FAILED).values("case_id")
    return (Case.objects.filter(scope_q(user, Perm.EFILE_ARCHIVE), stage=Stage.CLOSED)
            .exclude(pk__in=live).select_related("team", "officer").order_by("closed_on", "id"))
