"""Templates: placeholders checked on save (unknown ones refused naming the field), safe rendering, per court, the
switch-on time, and the preview."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from messaging import texts
from messaging.models import MessageTemplate
from messaging.services import template_preview, template_save

pytestmark = pytest.mark.django_db


def _save(org, body, *, subject="", channel="sms", event="funds_received", actor=None):
    return template_save(actor=actor or org.chief, court=org.court, event=event, channel=channel,
                         audience="applicants", enabled=True, subject=subject, body=body)


@pytest.mark.parametrize(("body", "needle"), [
    ("【{法院}】{案号}{身份证号}", "{身份证号}"),
    ("{措施}", "{措施}"),  # a placeholder of another event
    ("{案号.__class__}", "{案号.__class__}"),
    ("{案号[0]}", "{案号[0]}"),
    ("{案号!r}", "{案号!r}"),
    ("{金额:>20}", "{金额:>20}"),
    ("{}", "{}"),
])
def test_unknown_or_unsafe_placeholders_are_refused_naming_the_field(org, body, needle):
    with pytest.raises(ValidationError) as exc:
        _save(org, body)
    assert list(exc.value.message_dict) == ["body"]
    assert needle in exc.value.message_dict["body"][0]
    assert not MessageTemplate.objects.exists()


def test_unbalanced_braces_and_subject_errors_name_their_field(org):
    with pytest.raises(ValidationError) as exc:
        _save(org, "{案号", subject="{未知}", channel="email")
    assert set(exc.value.message_dict) == {"body", "subject"}


def test_rendering_fills_only_names():
    out = texts.render(subject="", body="{案号}：{当事人}", values={"案号": "{当事人}", "当事人": "张三"})
    assert out.body == "{当事人}：张三"  # a value is never read as a template


def test_sms_length_and_segments():
    assert texts.sms_segments("字" * 70) == 1
    assert texts.sms_segments("字" * 71) == 2
    assert texts.sms_segments("字" * 135) == 3


def test_every_default_template_passes_its_own_check():
    for (event, _channel), (_audience, subject, body) in texts.DEFAULTS.items():
        texts.template_check(event=event, subject=subject, body=body)


def test_only_managers_of_the_court_save_templates(org):
    for user in (org.officer, org.clerk, org.finance, org.other_chief, org.supervisor):
        with pytest.raises(PermissionDenied):
            _save(org, "{案号}", actor=user)
    _save(org, "{案号}", actor=org.court_admin)
    assert MessageTemplate.objects.get().updated_by == org.court_admin


def test_switch_on_time_is_kept_while_enabled_and_reset_when_switched_off(org):
    first = _save(org, "{案号}")
    since = first.enabled_since
    again = _save(org, "{案号}收到{金额}")
    assert again.pk == first.pk and again.enabled_since == since
    off = template_save(actor=org.chief, court=org.court, event="funds_received", channel="sms",
                        audience="applicants", enabled=False, body="{案号}")
    assert off.enabled_since is None


def test_preview_uses_a_case_of_the_court_only(org, make_case):
    case = make_case()
    out = template_preview(actor=org.chief, court=org.court, event="case_accepted", channel="sms",
                           subject="", body=texts.DEFAULTS[("case_accepted", "sms")][2], case=case)
    assert case.number in out.body and "郑强" in out.body and out.length == len(out.body)
    other = make_case(court=org.other_court)
    with pytest.raises(ValidationError) as exc:
        template_preview(actor=org.chief, court=org.court, event="case_accepted", channel="sms", subject="",
                         body="{案号}", case=other)
    assert "case" in exc.value.message_dict
