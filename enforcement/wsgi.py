import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    from django.conf import settings

    if settings.WARMUP:
        from core.warmup import warm_up

        warm_up()


_warm_up()
