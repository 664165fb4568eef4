"""Money arriving (一案一账号): bank statements imported, matched to cases, posted as receipts; unidentified money claimed."""
from core.api import Router

from . import api

router = Router()
router.register("statements", api.StatementViewSet, basename="statement")
router.register("statement-lines", api.StatementLineViewSet, basename="statement-line")

urlpatterns = [
    *router.urls,
]
