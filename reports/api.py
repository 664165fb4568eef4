"""REST API of the reports: KPIs, snapshots (list, detail, PDF download), on-demand runs and campaigns.

Same policy as the pages (REPORT_VIEW: chiefs; a superior court's chief reads its subordinate courts). Amounts and
rates are strings.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.policy import Perm, require

from core.api import PolicyFirstMixin

from . import selectors, services
from .kpis import KPI_BY_KEY
from .models import Campaign, PeriodKind, ReportRun, ReportSnapshot
from .periods import Period


class KpiEntrySerializer(serializers.Serializer):
    value = serializers.CharField(allow_null=True, help_text="Count, amount (yuan), days or percent; null if n/a.")
    numerator = serializers.CharField(allow_null=True)
    denominator = serializers.CharField(allow_null=True)
    target = serializers.CharField(required=False, allow_null=True, help_text="Target percent, if the KPI has one.")
    meets_target = serializers.BooleanField(required=False, allow_null=True)


class KpiRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    kpis = serializers.DictField(child=KpiEntrySerializer())


class KpiResponseSerializer(serializers.Serializer):
    period = inline_serializer("ReportPeriod", {"kind": serializers.CharField(), "start": serializers.DateField(),
                                                "end": serializers.DateField(), "label": serializers.CharField()})
    scope = inline_serializer("ReportScope", {"court": serializers.IntegerField(),
                                              "include_subordinates": serializers.BooleanField(),
                                              "campaign": serializers.IntegerField(allow_null=True)})
    breakdown = serializers.CharField()
    total = serializers.DictField(child=KpiEntrySerializer())
    rows = KpiRowSerializer(many=True)


def _str(v):
    return None if v is None else str(v)


def _entry(e: dict) -> dict:
    out = {"value": _str(e["value"]), "numerator": _str(e["numerator"]), "denominator": _str(e["denominator"])}
    if "target" in e:
        out["target"] = _str(e["target"])
        out["meets_target"] = e["meets_target"]
    return out


class KpiQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=PeriodKind.choices, default="week")
    start = serializers.DateField(required=False, help_text="Any day in the period; default: last week / this month.")
    court = serializers.IntegerField(required=False)
    tree = serializers.BooleanField(required=False, default=False)
    campaign = serializers.IntegerField(required=False)
    breakdown = serializers.ChoiceField(choices=("total",) + selectors.BREAKDOWNS, default="total")
    kpis = serializers.CharField(required=False, help_text="Comma-separated KPI keys; default: all.")


class KpiView(APIView):
    @extend_schema(parameters=[KpiQuerySerializer], responses=KpiResponseSerializer,
                   summary="KPIs for a period and scope, with an optional breakdown")
    def get(self, request):
        require(request.user, Perm.REPORT_VIEW)
        query = KpiQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        from . import engine

        default = engine.today() if q["period"] != "week" else engine.shift(engine.today(), -7)
        period = Period.containing(q["period"], q.get("start") or default)
        scope = selectors.report_scope_get(user=request.user, court_id=q.get("court"),
                                           include_subordinates=q["tree"], campaign_id=q.get("campaign"))
        keys = None
        if q.get("kpis"):
            keys = [k.strip() for k in q["kpis"].split(",") if k.strip()]
            unknown = [k for k in keys if k not in KPI_BY_KEY]
            if unknown:
                raise ValidationError({"kpis": f"Unknown KPI(s): {', '.join(unknown)}"})
        table = selectors.kpi_table(scope=scope, period=period, dim=q["breakdown"], keys=keys)
        return Response({
            "period": {"kind": period.kind, "start": period.start, "end": period.end, "label": period.label()},
            "scope": scope.as_json(), "breakdown": q["breakdown"],
            "total": {k: _entry(v) for k, v in table["total"].items()},
            "rows": [{"key": _str(r["key"]), "label": str(r["label"]),
                      "kpis": {k: _entry(v) for k, v in r["kpis"].items()}} for r in table["rows"]],
        })


class SnapshotSerializer(serializers.ModelSerializer):
    court_name = serializers.CharField(source="court.name", read_only=True)
    period_kind = serializers.CharField(read_only=True, help_text="week, month, quarter or year")
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportSnapshot
        fields = ["id", "court", "court_name", "period_kind", "period_start", "period_end", "scope", "sha256",
                  "automatic", "created_at", "emailed_at", "pdf_url"]

    def get_pdf_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("api-report-snapshot-pdf", args=[obj.pk])


class SnapshotDetailSerializer(SnapshotSerializer):
    class Meta(SnapshotSerializer.Meta):
        fields = SnapshotSerializer.Meta.fields + ["figures"]


class SnapshotViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SnapshotSerializer
    queryset = ReportSnapshot.objects.none()

    def get_queryset(self):
        require(self.request.user, Perm.REPORT_VIEW)
        return selectors.snapshot_list_for_user(user=self.request.user).order_by("-period_start", "-id")

    def get_serializer_class(self):
        return SnapshotDetailSerializer if self.action == "retrieve" else SnapshotSerializer

    def get_object(self):
        return selectors.snapshot_get_for_user(user=self.request.user, pk=int(self.kwargs["pk"]))

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="Download a report's PDF")
    @action(detail=True, methods=["get"], url_path="pdf", url_name="pdf")
    def pdf(self, request, pk=None):
        snapshot = self.get_object()
        return FileResponse(snapshot.pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                            filename=f"report-{snapshot.court.code}-{snapshot.period_start}.pdf")


class RunSerializer(serializers.ModelSerializer):
    period_kind = serializers.CharField(read_only=True, help_text="week, month, quarter or year")

    class Meta:
        model = ReportRun
        fields = ["id", "court", "period_kind", "period_start", "period_end", "scope", "status", "progress", "step",
                  "snapshot", "created_at", "finished_at"]
        read_only_fields = fields


class RunRequestSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=PeriodKind.choices)
    start = serializers.DateField(help_text="Any day in the period.")
    court = serializers.IntegerField(required=False)
    tree = serializers.BooleanField(required=False, default=False)
    campaign = serializers.IntegerField(required=False)


class RunViewSet(PolicyFirstMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    action_perms = {"create": Perm.REPORT_VIEW}
    serializer_class = RunSerializer
    queryset = ReportRun.objects.none()

    def get_queryset(self):
        require(self.request.user, Perm.REPORT_VIEW)
        from accounts.policy import scope_q

        return ReportRun.objects.filter(scope_q(self.request.user, Perm.REPORT_VIEW, team=None, officer=None))

    @extend_schema(request=RunRequestSerializer, responses={202: RunSerializer},
                   summary="Generate a report for any week, month, quarter or year (poll the run for progress)")
    def create(self, request, *args, **kwargs):
        ser = RunRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        scope = selectors.report_scope_get(user=request.user, court_id=d.get("court"), include_subordinates=d["tree"],
                                           campaign_id=d.get("campaign"))
        run = services.report_run_request(actor=request.user, scope=scope,
                                          period=Period.containing(d["period"], d["start"]))
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class CampaignSerializer(serializers.ModelSerializer):
    case_ids = serializers.ListField(child=serializers.IntegerField(), required=False, write_only=True)
    case_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "court", "name", "description", "starts_on", "ends_on", "case_ids", "case_count",
                  "created_at"]
        read_only_fields = ["id", "court", "case_count", "created_at"]


class CampaignViewSet(PolicyFirstMixin, viewsets.ModelViewSet):
    action_perms = {"create": Perm.REPORT_VIEW}
    serializer_class = CampaignSerializer
    queryset = Campaign.objects.none()

    def get_queryset(self):
        require(self.request.user, Perm.REPORT_VIEW)
        return selectors.campaign_list_for_user(user=self.request.user).order_by("-starts_on", "id")

    def get_object(self):
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return obj

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.campaign_create(
            actor=self.request.user, court=self.request.user.court, name=d["name"],
            description=d.get("description", ""), starts_on=d["starts_on"], ends_on=d["ends_on"],
            case_ids=d.get("case_ids"))
        serializer.instance.case_count = serializer.instance.cases.count()

    def perform_update(self, serializer):
        d = serializer.validated_data
        instance = services.campaign_update(
            actor=self.request.user, campaign=serializer.instance, name=d.get("name"),
            description=d.get("description"), starts_on=d.get("starts_on"), ends_on=d.get("ends_on"),
            case_ids=d.get("case_ids"))
        instance.case_count = instance.cases.count()
        serializer.instance = instance

    def perform_destroy(self, instance):
        services.campaign_delete(actor=self.request.user, campaign=instance)


KpiView.__doc__ = "KPIs of a period (week, month, quarter, year) for a court, its subtree or a campaign."
__all__ = ["KpiView", "SnapshotViewSet", "RunViewSet", "CampaignViewSet", "OpenApiParameter"]
