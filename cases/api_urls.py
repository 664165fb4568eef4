from core.api import Router

from . import api, api_suspensions

router = Router()
router.register("cases", api.CaseViewSet, basename="case")
router.register("parties", api.PartyViewSet, basename="party")
router.register("actions", api.ActionViewSet, basename="action")
router.register("leads", api.LeadViewSet, basename="lead")
router.register("petitions", api.PetitionViewSet, basename="petition")
router.register("settlements", api.SettlementViewSet, basename="settlement")
router.register("closures", api.ClosureViewSet, basename="closure")
router.register("suspensions", api_suspensions.SuspensionViewSet, basename="suspension")

urlpatterns = router.urls
