"""The rule tests need no database. When run without pytest-django (``-p no:django``) and without a settings
module, configure a minimal Django so that lazy translations and ValidationError messages can be rendered."""

import os

from django.conf import settings

if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=False)


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _english_messages():
    """The rule tests read the English wording of messages; the UI default (Chinese) is tested elsewhere."""
    from django.utils import translation

    with translation.override("en"):
        yield
