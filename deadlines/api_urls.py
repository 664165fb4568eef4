
from core.api import Router

from . import api

router = Router()
router.register("deadlines", api.DeadlineViewSet, basename="api-deadline")
router.register("notifications", api.NotificationViewSet, basename="api-notification")

urlpatterns = router.urls
