from accounts.demo import seed_org
from cases import demo
from cases.models import Case, CaseNumberSequence, ClosureRequest
from cases.services import PartyInput, case_register


def test_demo_year_is_deterministic_idempotent_and_continues_the_number_series(db):
    org = seed_org()
    summary = demo.seed(org, seed=7, cases=120)
    assert "120 cases received" in summary
    numbers = list(Case.objects.order_by("pk").values_list("number", "stage", "closure_mode"))
    closed = Case.objects.filter(closed_on__isnull=False).count()
    assert closed > 100 and ClosureRequest.objects.filter(status="approved").count() == closed
    assert demo.seed(org, seed=7, cases=120) == "already seeded"
    # Every demo case party is in the party-name search table, with its case's court.
    from cases.models import CaseParty, PartySearch

    assert PartySearch.objects.count() == CaseParty.objects.count() > 0
    assert not PartySearch.objects.exclude(court_id=org.court.pk).exists()
    assert Case.objects.count() == len(numbers)
    # The next registration continues the series without a gap or a duplicate.
    seq = CaseNumberSequence.objects.get(court=org.court, year=Case.objects.latest("received_on").year,
                                         case_type="执")
    assert Case.objects.filter(court=org.court, year=seq.year, case_type="执").count() == seq.last_serial
    from django.utils import timezone

    today = timezone.localdate()
    new = case_register(actor=org.staff["clerk1"], court=org.court, case_type="执", received_on=today,
                        basis_kind="judgment", basis_issuer="天水市麦积区人民法院", basis_number="（2025）甘0503民初1号",
                        basis_effective_on=today.replace(year=today.year - 1), principal=__import__("decimal").Decimal("10"),
                        parties=[PartyInput(role="applicant", kind="person", name="甲"),
                                 PartyInput(role="respondent", kind="person", name="乙")])
    assert new.serial == seq.last_serial + 1 if seq.year == today.year else new.serial >= 1
