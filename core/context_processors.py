from django.conf import settings

from accounts.policy import user_perms

from .nav import nav_for, nav_menu


def shell(request):
    """What the page shell needs: the role's navigation and the unread-notification count."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": [], "nav_menu": [], "user_perms": set()}
    perms = user_perms(user)
    items = nav_for(user, perms)
    unread = 0
    try:
        from deadlines.selectors import shell_counts
    except ImportError:
        shell_counts = None
    if shell_counts is not None:
        # One query: the unread badge and the overdue badges of "My deadlines" and "Overdue" (the counts the home
        # page's tiles and those lists show, from the same selectors).
        names = {item["name"] for item in items}
        counts = shell_counts(user=user, mine="deadlines:mine" in names, bureau="deadlines:overdue" in names)
        unread = counts["unread"]
        badges = {"deadlines:mine": counts["mine_overdue"], "deadlines:overdue": counts["bureau_overdue"]}
        for item in items:
            item["badge"] = badges.get(item["name"], 0)
    return {
        "nav_items": items,
        "nav_menu": nav_menu(items, request.path),
        "user_perms": perms,
        "unread_notifications": unread,
        "LANGUAGES": settings.LANGUAGES,
    }
