
from core.api import Router

from . import api

router = Router()
router.register("documents", api.DocumentViewSet, basename="api-document")
router.register("document-types", api.DocumentTypeViewSet, basename="api-document-type")

urlpatterns = router.urls

# Batch printing (written separately) adds its endpoints when present.
try:
    from .batch_api_urls import urlpatterns as _batch_urlpatterns
except ModuleNotFoundError as exc:  # pragma: no cover - until batch printing has an API
    if exc.name != f"{__package__}.batch_api_urls":
        raise
else:
    urlpatterns += _batch_urlpatterns
