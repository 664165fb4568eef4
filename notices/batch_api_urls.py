"""API URLs of batch printing, included by notices/api_urls.py."""

from core.api import Router

from . import api_batch

router = Router()
router.register("batches", api_batch.BatchViewSet, basename="api-batch")

urlpatterns = router.urls
