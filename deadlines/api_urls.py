from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("deadlines", api.DeadlineViewSet, basename="api-deadline")
router.register("notifications", api.NotificationViewSet, basename="api-notification")

urlpatterns = router.urls
