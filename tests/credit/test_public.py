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
