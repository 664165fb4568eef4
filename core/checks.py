"""``manage.py check --deploy``: a warning per court that lacks a setting its documents need (core.court_setup).

Deploy-only (``--deploy``) because it reads the database: ordinary commands (``migrate`` on an empty database) must
not depend on it. Deployment scripts that must stop on a gap run ``manage.py court_settings --check`` (exit code 1).
"""

from django.core import checks
from django.db import DatabaseError


@checks.register("court_settings", deploy=True)
def court_setup_check(app_configs=None, **kwargs):
    from accounts.models import Court

    from .court_setup import check_court

    warnings = []
    try:
        courts = list(Court.objects.order_by("code"))
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    for court in courts:
        for p in check_court(court):
            warnings.append(checks.Warning(f"{court.name}（{court.code}）：{p.message}", obj=court,
                                           id="core.W001"))
    return warnings
