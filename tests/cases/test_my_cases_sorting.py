"""My cases: most urgent first by default, sortable by any column (whitelisted keys), filters and paging kept
(issue 19, "It is quick to work with")."""

import re
from datetime import date, timedelta

from django.utils import timezone

from cases.models import Case
from cases.services import PartyInput
from deadlines.engine import code_of
from deadlines.models import Deadline


def deadline(case, due_on, status="open", seq=0, met_on=None):
    return Deadline.objects.create(
        source_type="case", source_id=case.pk, kind="notice", seq=seq, code=code_of("case", "notice", seq),
        case=case, court_id=case.court_id, team_id=case.team_id, responsible_id=case.officer_id,
        start_on=due_on - timedelta(days=10), due_on=due_on, warn_from=due_on - timedelta(days=3), status=status,
        met_on=met_on, computed_at=timezone.now())


def parties(applicant, respondent):
    return [PartyInput(role="applicant", kind="person", name=applicant),
            PartyInput(role="respondent", kind="person", name=respondent)]


def numbers_in(html):
    return re.findall(r"（\d{4}）甘0503执\d+号", html)


def setup_cases(make_case):
    today = timezone.localdate()
    old = make_case(filed_on=date(2026, 1, 5), received_on=date(2026, 1, 4), parties=parties("丙", "子"),
                    principal="300")
    no_deadline = make_case(filed_on=date(2026, 2, 5), received_on=date(2026, 2, 4), parties=parties("甲", "丑"),
                            principal="100")
    near = make_case(filed_on=date(2026, 3, 5), parties=parties("乙", "寅"), principal="200")
    overdue = make_case(filed_on=date(2026, 3, 6), parties=parties("丁", "卯"), principal="400")
    deadline(near, today + timedelta(days=3))
    deadline(near, today + timedelta(days=40), seq=1)
    deadline(overdue, today - timedelta(days=2), status="overdue")
    deadline(old, today + timedelta(days=20))
    deadline(no_deadline, today - timedelta(days=30), status="met", met_on=today - timedelta(days=31))  # not urgent
    return old, no_deadline, near, overdue


def test_default_order_is_most_urgent_first(org, make_case, client):
    old, no_deadline, near, overdue = setup_cases(make_case)
    client.force_login(org.officer)
    html = client.get("/cases/mine/").content.decode()
    assert numbers_in(html) == [overdue.number, near.number, old.number, no_deadline.number]
    assert 'id="sort-note"' in html


def test_every_column_sorts_both_ways(org, make_case, client):
    old, no_deadline, near, overdue = setup_cases(make_case)
    client.force_login(org.officer)
    expected = {
        "number": [old, no_deadline, near, overdue],
        "filed": [old, no_deadline, near, overdue],
        "amount": [no_deadline, near, old, overdue],
        "deadline": [overdue, near, old, no_deadline],
    }
    for key, cases in expected.items():
        html = client.get(f"/cases/mine/?sort={key}").content.decode()
        assert numbers_in(html) == [c.number for c in cases], key
        # The sorted header links to the reverse order.
        assert f'href="?sort=-{key}"' in html, key
        html = client.get(f"/cases/mine/?sort=-{key}").content.decode()
        got = numbers_in(html)
        if key == "deadline":  # no deadline stays last either way
            assert got == [old.number, near.number, overdue.number, no_deadline.number]
        else:
            assert got == [c.number for c in reversed(cases)], key
    by_name = {c.pk: c for c in (old, no_deadline, near, overdue)}
    for key in ("applicant", "respondent"):
        html = client.get(f"/cases/mine/?sort={key}").content.decode()
        got = numbers_in(html)
        assert len(got) == 4 and sorted(got) == sorted(c.number for c in by_name.values())
        html_desc = client.get(f"/cases/mine/?sort=-{key}").content.decode()
        assert numbers_in(html_desc) == list(reversed(got)), key
    Case.objects.filter(pk=near.pk).update(stage="investigation")
    html = client.get("/cases/mine/?sort=stage").content.decode()
    assert numbers_in(html)[-1] == near.number
    assert numbers_in(client.get("/cases/mine/?sort=-stage").content.decode())[0] == near.number


def test_bad_sort_key_is_ignored(org, make_case, client):
    old, no_deadline, near, overdue = setup_cases(make_case)
    client.force_login(org.officer)
    for bad in ("officer__password", "-id; drop table", "--number", "__proto__", ""):
        response = client.get("/cases/mine/", {"sort": bad})
        assert response.status_code == 200
        assert numbers_in(response.content.decode()) == [overdue.number, near.number, old.number, no_deadline.number]


def test_sorting_keeps_the_other_parameters_and_paging(org, make_case, client, django_assert_max_num_queries):
    setup_cases(make_case)
    for _ in range(50):
        make_case(principal="50")
    client.force_login(org.officer)
    with django_assert_max_num_queries(25) as few:
        html = client.get("/cases/mine/?sort=-amount&page=2&stream=simple").content.decode()
    assert len(numbers_in(html)) == 4
    # Page links keep the sort (and the other parameters); header links keep the parameters, back to page 1.
    assert "?sort=-amount&amp;stream=simple&amp;page=1" in html
    assert 'href="?sort=amount&amp;stream=simple"' in html
    assert 'href="?sort=filed&amp;stream=simple"' in html
    for _ in range(10):
        make_case(principal="60")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/cases/mine/?sort=respondent").status_code == 200
