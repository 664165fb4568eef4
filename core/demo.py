"""The demo court's settings: everything its documents need (core.court_setup), so every document can be issued in
the demo court, e.g. the 限制消费令 and the 失信 decision the president signs. Idempotent: a value already set (by
the administrator, or an earlier run) is kept."""

from __future__ import annotations

from .models import CourtSetting

# Fictional names: the demo court's president signs its 限制消费令 and 失信 decisions.
DEMO_SETTINGS = {
    "甘0503": {"president_name": "杨志远"},
}


def seed_court_settings(courts) -> list[str]:
    """Set the demo values for each court in ``courts`` (by code) that has none yet; returns the keys set."""
    created = []
    for court in courts:
        for key, value in DEMO_SETTINGS.get(court.code, {}).items():
            _obj, was_created = CourtSetting.objects.get_or_create(court=court, key=key, defaults={"value": value})
            if was_created:
                created.append(f"{court.code}:{key}")
    return created
