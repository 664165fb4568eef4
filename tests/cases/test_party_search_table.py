"""The party-name search table (cases.PartySearch): filled by the services that add parties, rebuilt by a command,
scoped by court and by the policy, and it is what the name search reads."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from cases.models import CaseParty, PartySearch
from cases.selectors import CaseSearch, case_search
from cases.services import PartyInput, case_resume  # noqa: F401 - case_resume registers through case_register
from cases.services.search import party_search_rebuild, party_search_sync


def parties(respondent):
    return [PartyInput(role="applicant", kind="person", name="张三"),
            PartyInput(role="respondent", kind="person", name=respondent)]


def found(user, **kw):
    return list(case_search(user=user, search=CaseSearch(**kw)))


def test_registration_fills_the_search_rows_with_the_case_court(org, make_case):
    case = make_case(parties=parties("欧阳建华"))
    rows = set(PartySearch.objects.filter(case=case).values_list("court_id", "name"))
    assert rows == {(org.court.pk, "张三"), (org.court.pk, "欧阳建华")}
    assert PartySearch.objects.count() == CaseParty.objects.count()


def test_name_search_reads_the_search_table(org, make_case):
    case = make_case(parties=parties("欧阳建华"))
    assert found(org.chief, party="欧阳") == [case]
    # Without its search rows the case is not found by name (the party and link still exist)...
    PartySearch.objects.filter(case=case).delete()
    assert found(org.chief, party="欧阳") == [] and found(org.chief, q="欧阳建华") == []
    assert found(org.chief, party="欧阳健华", fuzzy=True) == []
    # ...and the rebuild command restores them.
    out = StringIO()
    call_command("party_search_rebuild", stdout=out)
    assert "2" in out.getvalue()
    assert found(org.chief, party="欧阳") == [case] and found(org.chief, party="欧阳健华", fuzzy=True) == [case]


def test_a_renamed_party_is_found_by_the_new_name_after_sync(org, make_case):
    from cases.models import Party

    case = make_case(parties=parties("李建华"))
    party = Party.objects.get(name="李建华")
    Party.objects.filter(pk=party.pk).update(name="李建平")
    party_search_sync(party_ids=[party.pk])
    assert found(org.chief, party="李建平") == [case] and found(org.chief, party="李建华") == []


def test_namesakes_at_other_courts_and_other_teams_stay_hidden(org, make_case):
    mine = make_case(parties=parties("司马相如"))
    other_team = make_case(team=org.other_team, officer=org.colleague, parties=parties("司马相国"))
    other_court = make_case(court=org.other_court, team=None, officer=None, parties=parties("司马相如"))
    assert set(found(org.chief, party="司马")) == {mine, other_team}
    assert found(org.officer, party="司马") == [mine]
    assert found(org.officer, party="司马相", fuzzy=True) == [mine]
    assert found(org.outsider, party="司马") == []
    assert set(found(org.supervisor, party="司马相如")) == {mine, other_court}
    # One court's rows only are rebuilt on request.
    assert party_search_rebuild(court_id=org.other_court.pk) == 2
    assert set(found(org.supervisor, party="司马相如")) == {mine, other_court}
