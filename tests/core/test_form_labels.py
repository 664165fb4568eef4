"""Every search box and filter on the main list pages has an accessible label: a <label for>, a wrapping <label>,
aria-label or aria-labelledby (issue 19, "It is quick to work with")."""

from html.parser import HTMLParser

import pytest

# (URL, the users who may open it, in order of preference)
PAGES = [
    ("/cases/", ("chief",)),
    ("/cases/?q=天水&stage=registered", ("chief",)),
    ("/cases/mine/", ("officer",)),
    ("/cases/approvals/", ("chief",)),
    ("/cases/register/", ("clerk",)),
    ("/deadlines/", ("officer",)),
    ("/deadlines/overdue/", ("chief",)),
    ("/notices/register/", ("chief", "clerk")),
    ("/notices/batch/", ("clerk", "officer")),
    ("/reports/", ("chief",)),
    ("/reports/table/", ("chief",)),
    ("/reports/cases/?measure=received&period=year&start=2026-03-04", ("chief",)),
    ("/reports/weekly/", ("chief",)),
    ("/assets/payouts/", ("finance",)),
    ("/assets/controls/expiring/", ("officer", "chief")),
    ("/assets/handovers/", ("officer", "chief")),
    ("/assets/disposals/", ("officer", "chief")),
    ("/assets/funds/awaiting/", ("finance", "chief")),
    ("/assets/calculators/", ("officer", "finance")),
    ("/accounts/role-changes/", ("court_admin",)),
    ("/reports/campaigns/", ("chief",)),
    ("/notices/verify/", ("officer",)),
    ("/cases/{case}/", ("officer",)),
    ("/cases/{case}/?tab=documents", ("officer",)),
    ("/cases/{case}/?tab=money", ("finance", "officer")),
]

SKIP_TYPES = {"hidden", "submit", "button", "reset", "image"}


class Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls = []  # (tag, attrs, inside a label)
        self.label_for = set()
        self.label_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label":
            self.label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and (a.get("type") or "text").lower() in SKIP_TYPES:
                return
            self.controls.append((tag, a, self.label_depth > 0))

    def handle_endtag(self, tag):
        if tag == "label" and self.label_depth:
            self.label_depth -= 1


def unlabelled(html: str) -> list[str]:
    parser = Controls()
    parser.feed(html)
    bad = []
    for tag, a, wrapped in parser.controls:
        if wrapped or (a.get("aria-label") or "").strip() or a.get("aria-labelledby") or (
                a.get("id") and a["id"] in parser.label_for):
            continue
        bad.append(f"<{tag} name={a.get('name')!r} id={a.get('id')!r}>")
    return bad


def test_the_checker_finds_an_unlabelled_box():
    assert unlabelled('<form><input name="q"><label for="x">X</label><input id="x" name="x"></form>') == [
        "<input name='q' id=None>"]
    assert unlabelled('<label>Q <input name="q"></label><select aria-label="阶段" name="s"></select>') == []


@pytest.mark.parametrize("url,users", PAGES)
def test_every_input_on_the_page_is_labelled(org, make_case, client, url, users):
    url = url.format(case=make_case().pk)
    for name in users:
        client.force_login(getattr(org, name))
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code == 200:
            break
    assert response.status_code == 200, (url, response.status_code)
    assert unlabelled(response.content.decode()) == [], url
