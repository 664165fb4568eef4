"""The main pages, rendered in Chinese for each role, show no English UI word.

Each role signs in, opens the workbench, every page of its navigation (Django's own admin aside) and every tab of
a case it may see, and the visible text (text nodes, option labels, button values, placeholders, titles and
aria-labels) is searched for whole English UI words. Code-like content is left out: <code>/<kbd>/<pre>/<script>/
<style>/<textarea>, anything marked translate="no", and the language switcher (its "English" button is meant).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login

# English words of a UI (whole words, any case): one of them in a Chinese page is a string that was never
# translated (or a translation that is still English).
ENGLISH_UI_WORDS = {
    "save", "cancel", "search", "filter", "submit", "delete", "edit", "back", "next", "previous", "status", "case",
    "cases", "party", "parties", "amount", "date", "login", "logout", "sign", "dashboard", "notice", "approve",
    "reject", "loading", "none", "true", "false", "page", "of", "register", "record", "remove", "add", "close",
    "open", "show", "hide", "yes", "no", "select", "choose", "name", "type", "total", "team", "officer", "court",
    "document", "documents", "asset", "assets", "funds", "deadline", "deadlines", "notifications", "reports",
    "actions", "timeline", "approved", "pending", "paid", "returned", "cancelled", "reason", "note", "download",
    "print", "upload", "clear", "reset", "all", "any", "home", "menu", "help", "error", "warning", "required",
    "optional", "week", "month", "year", "today", "the", "and", "or", "to", "from", "until", "by", "in", "on",
    "for", "with", "is", "not", "your", "this", "new", "day", "days", "more", "overdue", "due", "view", "change",
    "changes", "history", "audit", "unknown", "other", "role", "user", "administration", "workbench", "welcome",
}
SKIPPED_TAGS = {"script", "style", "code", "kbd", "samp", "pre", "textarea", "template", "svg"}
VISIBLE_ATTRS = ("placeholder", "title", "aria-label", "alt", "data-confirm")
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """Collects what a reader sees or hears, leaving out code-like content and the language switcher."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []  # per open element: does it hide its content?

    def _hidden(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hides = (tag in SKIPPED_TAGS or attrs.get("translate") == "no"
                 or (tag == "form" and "/i18n/setlang/" in (attrs.get("action") or "")))
        if not self._hidden() and not hides:
            for name in VISIBLE_ATTRS:
                if attrs.get(name):
                    self.parts.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in VOID_TAGS:
            self.stack.append(hides)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in VOID_TAGS and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self._hidden() and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_words(text: str) -> set[str]:
    return {word for word in re.findall(r"(?<![A-Za-z0-9_-])[A-Za-z]+(?![A-Za-z0-9_-])", text)
            if word.lower() in ENGLISH_UI_WORDS}


def test_the_extraction_sees_text_and_skips_code_and_the_language_switcher():
    html = ('<p>保存 <b>Save</b></p><code>None</code><input type="submit" value="Cancel">'
            '<input placeholder="Search"><div translate="no">Status</div><br>'
            '<form action="/i18n/setlang/"><button>English</button></form><a aria-label="Pages">1</a>'
            '<select><option>Choose</option></select><span>（2026）甘0503执12号 SHA-256 PDF</span>')
    text = visible_text(html)
    assert english_words(text) == {"Save", "Cancel", "Search", "Choose"}
    assert "English" not in text and "None" not in text and "Status" not in text


@pytest.fixture
def busy_case(org, make_case):
    """A case with a little of everything, so the tabs show rows and not only their empty states."""
    from assets.services.ledger import receipt_record
    from assets.services.register import asset_register
    from cases.services.actions import action_log
    from cases.services.leads import lead_register, petition_register
    from cases.services.workflow import term_extension_grant, term_pause_open

    case = make_case()
    respondent = case.case_parties.get(role="respondent")
    asset_register(actor=org.officer, case=case, owner=respondent, kind="bank_deposit", description="工商银行账户",
                   source="network_query", bank_name="中国工商银行天水分行", account_number="6222020000000001")
    lead_register(actor=org.officer, case=case, description="被执行人在秦州区有一套房产",
                  received_at=timezone.make_aware(datetime(2026, 3, 10, 9, 0)))
    petition_register(actor=org.officer, case=case, content="申请执行人询问执行进度", received_on=date(2026, 3, 11),
                      petitioner="张三", assigned_to=org.officer)
    receipt_record(actor=org.finance, case=case, kind="debtor_payment", amount=Decimal("5000.00"),
                   occurred_on=date(2026, 3, 12), payer="天水示例建材有限公司", reference="BANK-0001")
    action_log(actor=org.officer, case=case, kind="search", occurred_on=date(2026, 3, 13),
               details={"place": "天水市麦积区马跑泉路8号", "warrant_number": "（2026）甘0503执搜1号", "findings": "未发现财产"})
    term_pause_open(actor=org.chief, case=case, kind="appraisal", started_on=date(2026, 3, 14), reason="委托审计")
    term_extension_grant(actor=org.chief, case=case, months=2, reason="财产处置需要", approved_on=date(2026, 3, 15))
    return case


ROLES = ["clerk", "officer", "finance", "chief", "court_admin"]


def _pages(client, user, case) -> list[str]:
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert home.status_code == 200
    urls = ["/"] + [item["url"] for item in home.context["nav_items"] if item["name"] != "admin:index"]
    detail = reverse("cases:detail", args=[case.pk])
    first = client.get(detail, HTTP_ACCEPT_LANGUAGE="zh-hans")
    if first.status_code == 200:
        urls += [f"{detail}?tab={tab.key}" for tab, _ in first.context["tabs"]]
    # Forms reached from the case page and the menus (only those the role may open are checked).
    for suffix in ("actions/new/", "leads/new/", "petitions/new/", "settlements/new/", "closure/"):
        urls.append(f"{detail}{suffix}")
    urls += [reverse("cases:register"), reverse("cases:list") + "?q=张三", reverse("accounts:password_change"),
             reverse("deadlines:notifications")]
    return list(dict.fromkeys(urls))


@pytest.mark.parametrize("role", ROLES)
def test_main_pages_show_no_english_ui_words(client, org, busy_case, role):
    user = getattr(org, role)
    login(client, user)
    found: dict[str, set[str]] = {}
    pages = _pages(client, user, busy_case)
    nav_urls = {"/", *(item["url"] for item in client.get("/").context["nav_items"])}
    assert len(pages) >= 2, pages
    for url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code in (403, 404) and url not in nav_urls:
            continue  # a form this role may not open
        assert response.status_code == 200, url
        words = english_words(visible_text(response.content.decode()))
        if words:
            found[url] = words
    assert not found, f"English UI words on the {role}'s pages: {found}"


def test_audit_tab_names_every_field_and_record_in_chinese(client, org, busy_case):
    """The audit tab labels fields by their verbose_name: before, created_by, party, approved_by and the term pause
    and extension records showed as "created by", "party", "approved by", "term pause", "term extension"."""
    login(client, org.chief)
    html = client.get(reverse("cases:detail", args=[busy_case.pk]) + "?tab=audit", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = visible_text(html.content.decode())
    for label in ("操作记录", "创建人", "当事人", "审批人", "扣除期间", "延长执行期限", "搜查"):
        assert label in text, label
    for raw in ("created by", "approved by", "term pause", "term extension", "party #"):
        assert raw not in text, raw
