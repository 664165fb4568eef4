"""API: confirm proposed lines, claim unidentified money, decide a claim (mounted under /api/v1/statements/)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.policy import Perm, has_perm
from cases.models import Case
from core.idempotency import idempotent

from . import queue
from .claims import claim_confirm, claim_create, claim_reject
from .models import Statement
from .posting import lines_confirm


def _need(user, perm) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied()


class ConfirmInput(serializers.Serializer):
    statement = serializers.IntegerField(required=False)
    line_ids = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=10000)


class ConfirmOutput(serializers.Serializer):
    posted = serializers.ListField(child=serializers.IntegerField())
    refused = serializers.DictField(child=serializers.CharField())
    skipped = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=16, decimal_places=2)
    over_collected = serializers.DictField(child=serializers.DecimalField(max_digits=16, decimal_places=2))


class LinesConfirmView(APIView):
    """Post proposed lines: the ticked ``line_ids``, or every proposed line of ``statement`` with at least the court's
    ``statement_auto_confidence``. Each line posts once (a repeat skips it)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ConfirmInput, responses=ConfirmOutput)
    @idempotent("statement-lines-confirm")
    def post(self, request):
        _need(request.user, Perm.FUNDS_RECORD)
        data = ConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        statement = None
        if "line_ids" not in data.validated_data:
            if "statement" not in data.validated_data:
                raise serializers.ValidationError({"line_ids": ["Give line_ids or statement."]})
            statement = get_object_or_404(Statement.objects.filter(court_id=request.user.court_id),
                                          pk=data.validated_data["statement"])
        result = lines_confirm(actor=request.user, court_id=request.user.court_id, statement=statement,
                               line_ids=data.validated_data.get("line_ids"))
        return Response(ConfirmOutput({
            "posted": result.posted, "refused": {str(k): v for k, v in result.refused.items()},
            "skipped": result.skipped, "total": result.total,
            "over_collected": {str(k): v for k, v in result.over_collected.items()}}).data)


class UnidentifiedClaimInput(serializers.Serializer):
    line = serializers.IntegerField()
    case = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class UnidentifiedClaimOutput(serializers.Serializer):
    id = serializers.IntegerField()
    line = serializers.IntegerField(source="line_id")
    case = serializers.IntegerField(source="case_id")
    status = serializers.CharField()
    reason = serializers.CharField()
    reject_reason = serializers.CharField()


class ClaimCreateView(APIView):
    """An officer claims an unidentified line for a case of theirs, with a reason."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=UnidentifiedClaimInput, responses={201: UnidentifiedClaimOutput})
    @idempotent("statement-claim-create")
    def post(self, request):
        _need(request.user, Perm.FUNDS_CLAIM)
        data = UnidentifiedClaimInput(data=request.data)
        data.is_valid(raise_exception=True)
        line = get_object_or_404(queue.unidentified_lines(user=request.user), pk=data.validated_data["line"])
        case = Case.objects.filter(pk=data.validated_data["case"]).first()
        if case is None or not has_perm(request.user, Perm.CASE_VIEW, case):
            raise serializers.ValidationError({"case": ["No such case."]})
        claim = claim_create(actor=request.user, line=line, case=case, reason=data.validated_data["reason"])
        return Response(UnidentifiedClaimOutput(claim).data, status=status.HTTP_201_CREATED)


class DecideInput(serializers.Serializer):
    claim = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["confirm", "reject"])
    reason = serializers.CharField(allow_blank=True, required=False, max_length=2000)


class ClaimDecideView(APIView):
    """Finance (never the claimer) confirms a claim (the line is posted) or rejects it with a reason."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=DecideInput, responses=UnidentifiedClaimOutput)
    def post(self, request):
        _need(request.user, Perm.FUNDS_RECORD)
        data = DecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        from .matching_views import claim_of

        claim = claim_of(request.user, data.validated_data["claim"])
        if data.validated_data["action"] == "confirm":
            claim_confirm(actor=request.user, claim=claim)
        else:
            claim_reject(actor=request.user, claim=claim, reason=data.validated_data.get("reason", ""))
        claim.refresh_from_db()
        return Response(UnidentifiedClaimOutput(claim).data)
