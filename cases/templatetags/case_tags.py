"""``{% case_link case %}``: a case number that links to the case when the viewer may open it, plain text otherwise
(drill-down lists, queues and registers show case numbers of cases the viewer may or may not reach)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from accounts.policy import Perm, has_perm

register = template.Library()


@register.simple_tag(takes_context=True)
def case_link(context, case, tab: str = "", text=None):
    if case is None:
        return ""
    label = text if text not in (None, "") else case.number
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not has_perm(user, Perm.CASE_VIEW, case):
        return format_html('<span class="case-number">{}</span>', label)
    url = reverse("cases:detail", args=[case.pk]) + (f"?tab={tab}" if tab else "")
    return format_html('<a class="case-number" href="{}">{}</a>', url, label)
