"""Is a court set up for the documents it prints? One list of what the documents and rules need, one check.

``requirements()`` lists every court setting (``core.court_settings``: each app's ``SETTINGS``) and every field of the
court's own record (each app's ``COURT_FIELDS``) that a document (notices/documents/) or a rule reads.
``check_court(court)`` returns what is missing or invalid for that court, each with a message a court administrator
understands: the setting's label (院长姓名), where to fill it in (法院设置 / 法院), and which documents wait for it;
never the raw key.

Run wherever a court is set up or its settings change: the Django admin (court and court-setting pages), the
``court_settings --check`` management command (exit code 1 for deployment scripts), ``manage.py check --deploy``
(a warning per court), ``seed_demo``, and the court administrator's home page (a warning banner).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from . import court_settings


@dataclass(frozen=True)
class Requirement:
    key: str            # the setting's key, or "court.<field>" for a field of the court's record
    label: str          # what the administrator calls it
    place: str          # where the administrator fills it in
    needed_by: tuple    # the documents that wait for it (empty: a rule whose default applies)
    setting: court_settings.Setting | None = None


@dataclass(frozen=True)
class Problem:
    key: str
    label: str
    message: str
    url: str = ""       # the admin page to fix it on ("" when not reversible)
    needed_by: tuple = ()


def _court_model():
    from django.apps import apps

    return apps.get_model("accounts", "Court")


def requirements() -> list[Requirement]:
    """Every court setting and court field the documents or rules read, documents' needs first."""
    settings_place = str(_court_setting_model()._meta.verbose_name_plural)
    court = _court_model()
    court_place = str(court._meta.verbose_name)
    out = [Requirement(f"court.{f.name}", str(court._meta.get_field(f.name).verbose_name), court_place, f.needed_by)
           for f in court_settings.court_fields().values()]
    out += [Requirement(s.key, s.name, settings_place, s.needed_by, s)
            for s in court_settings.registry().values()]
    return sorted(out, key=lambda r: (not r.needed_by, r.key))


def _court_setting_model():
    from django.apps import apps

    return apps.get_model("core", "CourtSetting")


def missing_message(label: str, place: str, needed_by=()) -> str:
    """E.g. 院长姓名未设置：请法院管理员在“法院设置”中填写“院长姓名”（签发限制消费令…时需要）。"""
    if needed_by:
        return _("%(label)s is not set: ask the court administrator to fill in “%(label)s” under “%(place)s” (needed "
                 "for %(documents)s).") % {"label": label, "place": place, "documents": "、".join(needed_by)}
    return _("%(label)s is not set: ask the court administrator to fill in “%(label)s” under “%(place)s”.") % {
        "label": label, "place": place}


def setting_missing_message(key: str) -> str:
    """The message a document shows when the court setting ``key`` it needs is empty."""
    for r in requirements():
        if r.key == key:
            return missing_message(r.label, r.place)
    raise KeyError(key)


def _url(name: str, *args, query: str = "") -> str:
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return ""


def check_court(court: Model) -> list[Problem]:
    """What ``court`` lacks for its documents and rules: empty required values and stored values that are invalid."""
    stored: dict[str, Any] = dict(_court_setting_model().objects.filter(court=court).values_list("key", "value"))
    ids = dict(_court_setting_model().objects.filter(court=court).values_list("key", "pk"))
    problems = []
    for r in requirements():
        if r.setting is None:
            value = getattr(court, r.key.removeprefix("court."), "")
            if r.needed_by and not str(value or "").strip():
                problems.append(Problem(r.key, r.label, missing_message(r.label, r.place, r.needed_by),
                                        _url("admin:accounts_court_change", court.pk), r.needed_by))
            continue
        raw = stored.get(r.key)
        fix_url = (_url("admin:core_courtsetting_change", ids[r.key]) if r.key in ids else
                   _url("admin:core_courtsetting_add", query=f"?court={court.pk}&key={r.key}"))
        if raw is not None:
            try:
                value = r.setting.clean(raw)
            except ValidationError as exc:
                problems.append(Problem(r.key, r.label, _(
                    "%(error)s Ask the court administrator to correct it under “%(place)s”.")
                    % {"error": " ".join(exc.messages), "place": r.place}, fix_url, r.needed_by))
                continue
        else:
            value = r.setting.default
        if r.needed_by and (value is None or not str(value).strip()):
            problems.append(Problem(r.key, r.label, missing_message(r.label, r.place, r.needed_by), fix_url,
                                    r.needed_by))
    return problems


def report_court_setup(request, court) -> None:
    """After a court or one of its settings is saved: say what its documents still lack, in the administrator's
    words (core.court_setup), or that nothing is missing."""
    problems = check_court(court)
    for p in problems:
        messages.warning(request, p.message)
    if not problems:
        messages.info(request, _("%(court)s has every setting its documents need.") % {"court": court})

__all__ = ["Problem", "Requirement", "check_court", "missing_message", "report_court_setup", "requirements",
           "setting_missing_message"]
