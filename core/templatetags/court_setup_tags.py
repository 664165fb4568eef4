"""``{% court_setup_banner %}``: the court administrator's warning while their court lacks something its documents
need (core.court_setup). Shown to court administrators (and superusers, for their own court) only."""

from django import template

from accounts.policy import Perm, has_perm

from ..court_setup import check_court

register = template.Library()


@register.inclusion_tag("core/court_setup_banner.html", takes_context=True)
def court_setup_banner(context, style="page"):
    request = context.get("request")
    user = getattr(request, "user", None)
    problems = []
    if user is not None and user.is_authenticated and user.court_id and (
            user.is_superuser or has_perm(user, Perm.COURT_ADMIN)):
        problems = check_court(user.court)
    return {"problems": problems, "admin": style == "admin"}
