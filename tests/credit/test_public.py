"""The public 曝光台: only published, not removed listings; never a full ID number; anonymous; bounded."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from credit import services
from credit.exchange import mask_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_masking_rule():
    assert mask_id("resident_id", "620503198001011234", person=True) == "620503********1234"
    assert mask_id("resident_id_15", "620503800101123", person=True) == "620503*****1123"
    assert mask_id("passport", "E12345678", person=True) == "E1*****78"
    assert mask_id("uscc", "91110108551385082Q", person=False) == "91110108551385082Q"


def test_public_page_shows_published_only_and_never_the_full_id(client, org, listed, credit_case,
                                                               django_capture_on_commit_callbacks):
    url = reverse("credit:public")
    m = listed("served")
    full_id = m.case_party.party.id_number
    page = client.get(url).content.decode()
    assert m.case_party.party.name not in page  # served, not published
    with django_capture_on_commit_callbacks(execute=True):  # the cache generation changes after the commit
        m = services.measure_publish(actor=org.clerk, measure=m)
    page = client.get(url).content.decode()
    assert m.case_party.party.name in page and credit_case.number in page
    assert full_id not in page and f"{full_id[:6]}********{full_id[-4:]}" in page
    assert full_id[6:14] not in page  # the birth date is not shown
    assert client.get(url, {"name": "李"}).content.decode().count('class="card mb-2 public-entry"') == 1
    assert m.case_party.party.name not in client.get(url, {"name": "王"}).content.decode()
    m = services.removal_open(actor=org.officer, measure=m, ground="applicant", note="申请")
    assert m.case_party.party.name in client.get(url).content.decode()  # still listed until removed
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_remove(actor=org.chief, measure=m)
    page = client.get(url).content.decode()
    assert m.case_party.party.name not in page and 'id="public-empty"' in page


def test_public_api_is_masked_and_anonymous(client, org, listed):
    m = listed("published")
    r = client.get("/api/v1/credit-public/")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1 and body["results"][0]["name"] == m.case_party.party.name
    assert m.case_party.party.id_number not in r.content.decode()


def test_public_page_bounds_its_input(client, org, listed):
    listed("published")
    url = reverse("credit:public")
    assert client.get(url, {"page": "99999"}).status_code == 200
    assert client.get(url, {"page": "abc", "name": "x" * 500, "court": "\u202e" * 20}).status_code == 200


def test_public_page_is_rate_limited(client, settings):
    from credit import views

    url = reverse("credit:public")
    codes = [client.get(url).status_code for _ in range(views.PUBLIC_RATE + 1)]
    assert codes[:-1] == [200] * views.PUBLIC_RATE and codes[-1] == 429


def test_sign_in_page_links_the_public_list(client):
    assert reverse("credit:public") in client.get(reverse("accounts:login")).content.decode()


def test_public_page_costs_a_fixed_number_of_queries(client, org, make_case, django_assert_max_num_queries,
                                                     django_capture_on_commit_callbacks):
    from cases.services import PartyInput

    from .conftest import debtor, resident_id

    for n in range(22):  # more than a page
        case = make_case(parties=[
            PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id",
                       id_number="11010519491231002X", phones=["13800000001"], address="天水"),
            PartyInput(role="respondent", kind="person", name=f"欠款人{n:02d}", id_kind="resident_id",
                       id_number=resident_id("19800101", f"{n:03d}"), address="天水")])
        m = services.measure_propose(actor=org.officer, case=case, case_party=debtor(case), kind="dishonest",
                                     ground="1", reasons="拒不履行", conduct="拒不履行")
        m = services.measure_approve(actor=org.chief, measure=m)
        m = services.measure_serve(actor=org.clerk, measure=services.measure_decide(actor=org.chief, measure=m),
                                   method="direct")
        with django_capture_on_commit_callbacks(execute=True):
            services.measure_publish(actor=org.clerk, measure=m)
    url = reverse("credit:public")
    with django_assert_max_num_queries(4) as miss:  # the page's rows, the count, the courts
        page = client.get(url).content.decode()
    assert page.count('class="card mb-2 public-entry"') == 20 and "22名" in page
    with django_assert_max_num_queries(0):  # cached
        client.get(url)
    print(f"public page: {len(miss.captured_queries)} queries on a miss, 0 on a hit")
