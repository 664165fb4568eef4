"""Electronic signatures and seals: the API."""
from core.api import Router

from . import api

router = Router()
router.register("signing/documents", api.SignatureViewSet, basename="api-signature")
router.register("signing/policy", api.PolicyViewSet, basename="api-signing-policy")
router.register("signing/certificate", api.CertificateViewSet, basename="api-signing-certificate")

urlpatterns = [
    *router.urls,
]
