"""seed_demo builds the demo court and a small year of cases; running it twice changes nothing."""

from django.apps import apps
from django.core.management import call_command

from accounts.models import Court, Role, User

PROJECT_APPS = ("accounts", "core", "cases", "assets", "notices", "deadlines", "reports")


def _snapshot():
    counts = {}
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            counts[model._meta.label] = model.objects.count()
    counts["passwords"] = tuple(User.objects.order_by("username").values_list("password", flat=True))
    return counts


def test_seed_demo_twice_is_idempotent(db):
    call_command("seed_demo", "--cases", "60", "--seed", "7", verbosity=0)
    first = _snapshot()
    call_command("seed_demo", "--cases", "60", "--seed", "7", verbosity=0)
    assert _snapshot() == first


def test_seed_demo_creates_the_demo_court_and_staff(db):
    call_command("seed_demo", "--org-only", verbosity=0)
    court = Court.objects.get(code="甘0503")
    assert court.name == "天水市麦积区人民法院" and court.parent.code == "甘05"
    staff = User.objects.filter(court=court, is_superuser=False)
    assert 15 <= staff.count() <= 20
    for role in Role.values:
        assert staff.filter(roles__contains=[role]).exists(), role
    officer = User.objects.get(username="officer1")
    assert officer.check_password("Court-demo-2026") and officer.teams.exists()
