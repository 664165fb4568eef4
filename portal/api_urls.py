"""Party portal: the staff side's API (parties' questions)."""
from core.api import Router

from . import api

router = Router()
router.register("portal-questions", api.PortalQuestionViewSet, basename="api-portal-question")

urlpatterns = [
    *router.urls,
]
