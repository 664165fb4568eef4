from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from cases.models import Case, Lead
from cases.selectors import CaseSearch, case_search
from cases.services import PartyInput, case_assign, lead_handle, lead_register


def parties(applicant="张三", respondent="李建华", rid="", rkind="person"):
    return [PartyInput(role="applicant", kind="person", name=applicant),
            PartyInput(role="respondent", kind=rkind, name=respondent, id_kind="resident_id" if rid else "",
                       id_number=rid)]


def search(user, **kw):
    return list(case_search(user=user, search=CaseSearch(**kw)))


def test_search_by_number_full_and_partial(org, make_case):
    a, b = make_case(), make_case()
    assert search(org.chief, q=a.number) == [a]
    assert search(org.chief, q="甘0503执2") == [b]
    assert search(org.chief, number="2") == [b]


def test_search_by_number_from_its_bracket_matches_whole_and_leading_parts_only(org, make_case):
    cases = [make_case() for _ in range(12)]  # serials 1..12: （…）甘0503执1号 is a prefix of none but itself
    first, tenth = cases[0], cases[9]
    assert search(org.chief, q=first.number) == [first]
    assert search(org.chief, q=first.number.replace("（", "(").replace("）", ")")) == [first]  # half-width typed
    assert search(org.chief, number=tenth.number) == [tenth]
    assert set(search(org.chief, q=first.number[:-1])) == {first, *cases[9:]}  # （…）甘0503执1 leads 1, 10, 11, 12
    assert search(org.chief, q=f"（{first.year}）甘0502执1号") == []  # the other court's prefix


def test_search_by_party_name_partial_and_fuzzy(org, make_case):
    a = make_case(parties=parties(respondent="欧阳建华"))
    b = make_case(parties=parties(respondent="欧阳建国"))
    make_case(parties=parties(respondent="王五"))
    assert set(search(org.chief, q="欧阳建")) == {a, b}
    assert search(org.chief, party="欧阳建华") == [a]
    assert search(org.chief, party="欧阳") and len(search(org.chief, party="欧阳")) == 2
    assert a in search(org.chief, party="欧阳健华", fuzzy=True)


def test_similar_company_names_are_near_misspellings_not_the_shared_boilerplate(org, make_case):
    target = make_case(parties=parties(respondent="天水郑洋永商贸有限公司879", rkind="legal_person"))
    typo = make_case(parties=parties(respondent="天水郑洋勇商贸有限公司879", rkind="legal_person"))
    missing = make_case(parties=parties(respondent="天水市郑洋永商贸有限公司", rkind="legal_person"))
    make_case(parties=parties(respondent="天水丁平丽商贸有限公司870", rkind="legal_person"))  # similarity 0.36
    make_case(parties=parties(respondent="天水赵建国商贸有限公司12", rkind="legal_person"))
    assert set(search(org.chief, party="天水郑洋永商贸有限公司879", fuzzy=True)) == {target, typo, missing}
    # Short personal names keep the low bar: one character of three wrong still finds the person.
    person = make_case(parties=parties(respondent="欧阳建华"))
    assert person in search(org.chief, party="欧阳健华", fuzzy=True)


def test_search_by_id_number_and_combined_filters(org, make_case):
    a = make_case(parties=parties(rid="11010519491231002X"))
    b = make_case(parties=parties())
    assert search(org.chief, q="11010519491231002x") == [a]
    assert search(org.chief, id_number="11010519491231002X") == [a]
    case_assign(actor=org.chief, case=b, team=org.other_team, officer=org.colleague)
    Case.objects.filter(pk=b.pk).update(tags=["涉民生"], stream="complex")
    assert search(org.chief, officer=org.colleague.pk, stream="complex", tag="涉民生") == [b]
    assert search(org.chief, officer=org.colleague.pk, stream="simple") == []
    assert search(org.chief, stage=["registered"], open_only=True) == [b, a]


def test_search_only_returns_cases_the_user_may_see(org, make_case):
    mine = make_case()
    other = make_case(team=org.other_team, officer=org.colleague)
    assert search(org.officer, q="天水示例") == [mine]
    assert set(search(org.clerk, q="天水示例")) == {mine, other}
    assert search(org.outsider, q="天水示例") == []
    assert set(search(org.supervisor, q="天水示例")) == {mine, other}


def test_history_records_who_changed_what_and_cannot_be_edited(org, make_case):
    from cases.models import Case as C
    from django.apps import apps

    case = make_case()
    case_assign(actor=org.chief, case=case, team=org.other_team, officer=org.colleague)
    History = apps.get_model("cases", "CaseHistory")
    rows = list(History.objects.filter(pgh_obj_id=case.pk).select_related("pgh_context").order_by("pgh_id"))
    assert [r.pgh_label for r in rows][:2] == ["insert", "update"]
    assert rows[-1].officer_id == org.colleague.pk and rows[0].officer_id == org.officer.pk
    assert rows[-1].pgh_context.metadata["user"] == org.chief.pk
    # Direct SQL outside the services is still recorded, and the history itself cannot be changed.
    C.objects.filter(pk=case.pk).update(stage="notice")
    assert History.objects.filter(pgh_obj_id=case.pk, stage="notice").exists()
    with pytest.raises(DatabaseError, match="Cannot update or delete"):
        with transaction.atomic():
            History.objects.filter(pgh_obj_id=case.pk).update(stage="closed")
    with pytest.raises(DatabaseError, match="Cannot update or delete"):
        with transaction.atomic():
            History.objects.filter(pgh_obj_id=case.pk).delete()


@pytest.mark.django_db(transaction=True)
def test_a_lead_is_handled_once_under_concurrent_requests(org_committed):
    org = org_committed
    from cases.services import case_register

    case = case_register(actor=org.clerk, court=org.court, case_type="执", received_on=timezone.localdate(),
                         basis_kind="judgment", basis_issuer="天水市麦积区人民法院", basis_number="（2025）甘0503民初1号",
                         basis_effective_on=timezone.localdate() - timedelta(days=30), parties=parties(),
                         principal=__import__("decimal").Decimal("1000"), team=org.team, officer=org.officer)
    lead = lead_register(actor=org.clerk, case=case, description="线索")

    def handle(i):
        try:
            lead_handle(actor=org.officer, lead=Lead.objects.get(pk=lead.pk), result=f"核查{i}")
            return "ok"
        except Exception as exc:  # noqa: BLE001 - the loser gets a ValidationError
            return type(exc).__name__
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(handle, range(4)))
    assert results.count("ok") == 1 and results.count("ValidationError") == 3
    assert Lead.objects.get(pk=lead.pk).result.startswith("核查")


def test_audit_trail_reads_as_field_old_to_new_in_chinese(org, make_case, client):
    from django.utils import translation

    from cases.selectors import case_audit_trail
    from cases.services import action_log

    case = make_case()
    case_assign(actor=org.chief, case=case, team=org.other_team, officer=org.colleague, reason="调整")
    action_log(actor=org.colleague, case=case, kind="notice_served", occurred_on=timezone.localdate(),
               details={"documents": ["enforcement_notice"], "method": "post", "recipient": "李建华",
                        "served_on": timezone.localdate().isoformat()})
    with translation.override("zh-hans"):
        rows = case_audit_trail(case=case)
        changed = next(r for r in rows if r["model"] is Case and r["event"] == "修改" and
                       any(label == "承办人" for label, _b, _a in r["changes"]))
        changes = {label: (before, after) for label, before, after in changed["changes"]}
        # People and teams by name, not by id; the field by its Chinese label.
        assert changes["承办人"] == ("郑强", "陈刚")
        assert changes[str(Case._meta.get_field("team").verbose_name)] == ("执行实施一组", "执行实施二组")
        assert changed["user"] == org.chief.full_name
        created = next(r for r in rows if r["model"] is Case and r["is_new"])
        new = {label: after for label, _before, after in created["changes"]}
        assert new["本金"] == "¥100,000.00" and "否" in new.values()  # money in yuan, booleans as 是/否
        assert "id" not in new and "updated_at" not in new
        action = next(r for r in rows if r["label"] == case.actions.model._meta.verbose_name)
        details = dict((label, after) for label, _b, after in action["changes"])["详情"]
        # The measure's details by its form's labels and choice labels, not as a raw dict.
        assert "邮寄送达" in details and "李建华" in details and "{" not in details and "'" not in details
        assert "执行通知书" in details
    client.force_login(org.chief)
    html = client.get(f"/cases/{case.pk}/?tab=audit").content.decode()
    assert "<del>郑强</del> → 陈刚" in html and "<del>执行实施一组</del> → 执行实施二组" in html
