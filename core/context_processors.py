from django.conf import settings

from accounts.policy import user_perms

from .nav import nav_for, nav_menu


def shell(request):
    """What the page shell needs: the role's navigation and the unread-notification count."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": [], "nav_menu": [], "user_perms": set()}
    perms = user_perms(user)
    unread = 0
    try:
        from deadlines.selectors import notification_unread_count
    except ImportError:
        notification_unread_count = None
    if notification_unread_count is not None:
        unread = notification_unread_count(user=user)
    items = nav_for(user, perms)
    return {
        "nav_items": items,
        "nav_menu": nav_menu(items, request.path),
        "user_perms": perms,
        "unread_notifications": unread,
        "LANGUAGES": settings.LANGUAGES,
    }
