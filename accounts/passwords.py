"""A password "validator" that rejects nothing: Django calls its ``password_changed`` whenever a changed password is
saved (``AbstractBaseUser.save`` after ``set_password``), whatever the path: the password change page, the admin's
set-password form, ``manage.py changepassword``, a reset. There every API token of the user is revoked."""

from __future__ import annotations

from django.utils.translation import gettext as _


class RevokeApiTokensOnPasswordChange:
    def validate(self, password, user=None) -> None:
        return None

    def password_changed(self, password, user=None) -> None:
        if user is None or user.pk is None:
            return
        from .tokens import api_tokens_revoke_all

        api_tokens_revoke_all(user=user)

    def get_help_text(self) -> str:
        return _("Changing your password signs out every device that uses an API token.")
