"""A court's own template for a document type: validated on save, used at issue time, a clear error when broken."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from notices import services
from notices.models import DocumentSequence, IssuedDocument, TemplateOverride

from .conftest import TEST_NOTICE, pdf_text, respondent_key

pytestmark = pytest.mark.django_db

GOOD = """{% extends "notices/base.html" %}
{% block doc_name %}本院自定通知书{% endblock %}
{% block body %}<p>本院特别提示：{{ addressee }}，请于十日内到庭。</p>{% endblock %}
"""

SYNTAX_ERROR = """{% extends "notices/base.html" %}
{% block body %}
<p>第三行正常</p>
{% if addressee %}<p>没有结束标签</p>
{% endblock %}
"""

RENDER_ERROR = """{% extends "notices/base.html" %}
{% block body %}
<p>{% include "notices/no_such_partial.html" %}</p>
{% endblock %}
"""


def test_saved_override_is_used_when_issuing(org, case, test_types):
    override = services.template_override_save(user=org.court_admin, court=org.court, doc_type=TEST_NOTICE,
                                               source=GOOD, note="本院格式")
    assert override.active and override.updated_by == org.court_admin
    doc = services.document_issue(user=org.officer, case=case, doc_type=TEST_NOTICE,
                                  addressee_key=respondent_key(case))
    assert doc.template_override
    text = "".join(pdf_text(services.document_pdf(user=org.officer, document=doc)).split())
    assert "本院特别提示：天水示例建材有限公司" in text and doc.number in text
    # an inactive override is ignored
    services.template_override_save(user=org.court_admin, court=org.court, doc_type=TEST_NOTICE, source=GOOD,
                                    active=False)
    corrected = services.document_correct(user=org.officer, document=doc, reason="改用标准格式")
    assert not corrected.template_override
    assert "本院特别提示" not in "".join(pdf_text(services.document_pdf(user=org.officer, document=corrected)).split())


def test_override_of_another_court_is_not_used(org, make_case, test_types):
    TemplateOverride.objects.create(court=org.other_court, doc_type=TEST_NOTICE, source=SYNTAX_ERROR)
    case = make_case()
    doc = services.document_issue(user=org.clerk, case=case, doc_type=TEST_NOTICE, addressee_key=respondent_key(case))
    assert not doc.template_override


def test_syntax_error_is_refused_with_its_line(org, test_types):
    with pytest.raises(ValidationError) as exc:
        services.template_override_save(user=org.court_admin, court=org.court, doc_type=TEST_NOTICE,
                                        source=SYNTAX_ERROR)
    message = " ".join(exc.value.message_dict["source"])
    assert "line" in message and "endif" in message, message
    assert not TemplateOverride.objects.exists()


def test_render_error_is_refused(org, test_types):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.template_override_save(user=org.court_admin, court=org.court, doc_type=TEST_NOTICE,
                                        source=RENDER_ERROR)
    message = " ".join(exc.value.message_dict["source"])
    assert "no_such_partial.html" in message and "line 3" in message, message
    with pytest.raises(ValidationError) as exc:
        services.template_override_save(user=org.court_admin, court=org.court, doc_type=TEST_NOTICE, source="  ")
    assert "source" in exc.value.message_dict
    assert not TemplateOverride.objects.exists()


def test_broken_override_at_issue_time_is_a_clear_error_and_consumes_no_number(org, case, test_types):
    # e.g. saved before a shipped partial it includes was renamed
    TemplateOverride.objects.create(court=org.court, doc_type=TEST_NOTICE, source=RENDER_ERROR)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.document_issue(user=org.officer, case=case, doc_type=TEST_NOTICE,
                                addressee_key=respondent_key(case))
    message = " ".join(exc.value.message_dict["template"])
    assert "The court's template for Test notice is broken" in message and "no_such_partial.html" in message
    assert not IssuedDocument.objects.exists()
    assert not DocumentSequence.objects.filter(doc_type=TEST_NOTICE, last_serial__gt=0).exists()
    TemplateOverride.objects.filter(court=org.court).update(source=SYNTAX_ERROR)
    with pytest.raises(ValidationError) as exc:
        services.document_issue(user=org.officer, case=case, doc_type=TEST_NOTICE,
                                addressee_key=respondent_key(case))
    assert "模板有错误" in " ".join(exc.value.message_dict["template"])  # in Chinese by default
    TemplateOverride.objects.filter(court=org.court).update(active=False)
    assert services.document_issue(user=org.officer, case=case, doc_type=TEST_NOTICE,
                                   addressee_key=respondent_key(case)).serial == 1


def test_only_the_courts_administrator_manages_templates(org, test_types):
    for user in (org.clerk, org.chief, org.officer):
        with pytest.raises(PermissionDenied):
            services.template_override_save(user=user, court=org.court, doc_type=TEST_NOTICE, source=GOOD)
    with pytest.raises(PermissionDenied):
        services.template_override_save(user=org.court_admin, court=org.other_court, doc_type=TEST_NOTICE,
                                        source=GOOD)
    pdf = services.template_override_preview(user=org.court_admin, court=org.court, doc_type=TEST_NOTICE,
                                             source=GOOD)
    assert "本院特别提示" in "".join(pdf_text(pdf).split())
    services.template_override_save(user=org.court_admin, court=org.court, doc_type=TEST_NOTICE, source=GOOD)
    services.template_override_delete(user=org.court_admin, court=org.court, doc_type=TEST_NOTICE)
    assert not TemplateOverride.objects.exists()


def test_shipped_template_of_a_real_type_saves_as_the_courts_own(org, make_case):
    from notices import documents

    kind = documents.get("enforcement_notice")
    source = services.shipped_template_source(kind)
    assert "{% extends" in source
    own = source.replace("{% block body %}", "{% block body %}<p>（本院格式）</p>", 1)
    assert own != source
    services.template_override_save(user=org.court_admin, court=org.court, doc_type=kind.code, source=own)
    org.officer.phone = "0938-2712345"
    org.officer.save(update_fields=["phone"])
    case = make_case()
    doc = services.document_issue(user=org.officer, case=case, doc_type=kind.code, addressee_key=respondent_key(case))
    assert doc.template_override
    assert "（本院格式）" in "".join(pdf_text(services.document_pdf(user=org.officer, document=doc)).split())
