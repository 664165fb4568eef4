"""Messages (SMS and e-mail) to parties from case events, with templates per court, opt-out and a delivery log."""
from core.api import Router

from . import api

router = Router()
router.register("messages", api.MessageViewSet, basename="api-message")
router.register("message-templates", api.MessageTemplateViewSet, basename="api-message-template")

urlpatterns = [
    *router.urls,
]
