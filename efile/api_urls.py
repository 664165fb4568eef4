"""Electronic case file: the API."""
from core.api import Router

from .api import ArchiveVolumeViewSet, FileItemViewSet

router = Router()
router.register("efile-items", FileItemViewSet, basename="efile-item")
router.register("efile-volumes", ArchiveVolumeViewSet, basename="efile-volume")

urlpatterns = [
    *router.urls,
]
