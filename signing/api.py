"""REST API of the signing app: a document's signature (status, sign), the queue, signing many, the court's
policy (read; replace with SIGNING_MANAGE) and certificate. Same services and policy as the pages; the permission is
checked before the body is read."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.policy import Perm, Target, has_perm, require
from core.idempotency import idempotent

from . import rules, services, verify
from .models import DocumentSignature


class SignatureSerializer(serializers.Serializer):
    document = serializers.IntegerField()
    number = serializers.CharField()
    doc_type = serializers.CharField()
    case = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["not_sealed", "awaiting", "valid", "altered", "revoked"],
                                     help_text="not_sealed, awaiting (signature), valid, altered, revoked")
    signer = serializers.CharField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    certificate_serial = serializers.CharField(allow_null=True)
    sha256 = serializers.CharField(allow_blank=True, help_text="SHA-256 of the signed PDF")
    may_sign = serializers.BooleanField()


class SignManySerializer(serializers.Serializer):
    documents = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1,
                                      max_length=services.SIGN_MANY_LIMIT)


class SignManyResultSerializer(serializers.Serializer):
    signed = serializers.ListField(child=serializers.IntegerField())
    errors = serializers.DictField(child=serializers.CharField())


class PolicyRowSerializer(serializers.Serializer):
    doc_type = serializers.ChoiceField(choices=list(rules.TYPES))
    title = serializers.CharField(read_only=True)
    sealed = serializers.BooleanField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=list(rules.ROLES)))


class PolicySaveSerializer(serializers.Serializer):
    rows = PolicyRowSerializer(many=True, min_length=1)


class CertificateSerializer(serializers.Serializer):
    court = serializers.IntegerField()
    subject = serializers.CharField()
    serial = serializers.CharField()
    not_before = serializers.DateTimeField()
    not_after = serializers.DateTimeField()
    demo = serializers.BooleanField()
    usable = serializers.BooleanField()
    problem = serializers.CharField(allow_blank=True)
    cert_pem = serializers.CharField()


def _document_for(user, pk: int):
    Document = apps.get_model("notices", "IssuedDocument")
    document = Document.objects.select_related("case").filter(pk=pk).first()
    if document is None or not has_perm(user, Perm.CASE_VIEW, document.case):
        raise Http404
    return document


def _payload(user, document) -> dict:
    state = verify.document_state(document.pk)
    sig = state.signature
    return {
        "document": document.pk, "number": document.number, "doc_type": document.doc_type,
        "case": document.case_id,
        "status": state.state,
        "signer": (sig.signer.get_full_name() or sig.signer.username) if sig and sig.signer else None,
        "signed_at": sig.signed_at if sig else None,
        "certificate_serial": sig.certificate.serial if sig and sig.certificate else None,
        "sha256": sig.sha256 if sig else "",
        "may_sign": bool(sig) and state.state == verify.State.AWAITING and services.may_sign(
            user, doc_type=document.doc_type, target=document.case.policy_target()),
    }


class SignatureViewSet(viewsets.ViewSet):
    """/signing/documents/: the queue (GET), a document's signature (GET <id>), sign it (POST <id>/sign/), sign
    many (POST sign-many/). ``<id>`` is the issued document's id (notices register)."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = "[0-9]+"

    @extend_schema(responses=SignatureSerializer(many=True))
    def list(self, request):
        rows = list(services.queue(request.user).select_related("case")[:500])
        data = [{"document": r.document_id, "number": r.number, "doc_type": r.doc_type, "case": r.case_id,
                 "status": "awaiting", "signer": None, "signed_at": None, "certificate_serial": None, "sha256": "",
                 "may_sign": True} for r in rows]
        return Response(SignatureSerializer(data, many=True).data)

    @extend_schema(responses=SignatureSerializer)
    def retrieve(self, request, pk=None):
        document = _document_for(request.user, int(pk))
        return Response(SignatureSerializer(_payload(request.user, document)).data)

    @extend_schema(request=None, responses={200: SignatureSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        document = _document_for(request.user, int(pk))
        if not services.may_sign(request.user, doc_type=document.doc_type, target=document.case.policy_target()):
            raise PermissionDenied
        try:
            services.document_sign(user=request.user, document_id=document.pk)
        except DocumentSignature.DoesNotExist:
            raise Http404 from None
        return Response(SignatureSerializer(_payload(request.user, document)).data)

    @extend_schema(request=SignManySerializer, responses={200: SignManyResultSerializer})
    @action(detail=False, methods=["post"], url_path="sign-many")
    @idempotent("signing:sign_many")
    def sign_many(self, request):
        require(request.user, Perm.DOCUMENT_SIGN)
        body = SignManySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done, errors = services.documents_sign_many(user=request.user, document_ids=body.validated_data["documents"])
        return Response({"signed": [r.document_id for r in done], "errors": {str(k): v for k, v in errors.items()}},
                        status=status.HTTP_200_OK)


class PolicyViewSet(viewsets.ViewSet):
    """/signing/policy/: the user's court's policy per document type (GET); replace rows (POST, SIGNING_MANAGE)."""

    permission_classes = [IsAuthenticated]

    def _court(self, request):
        court = getattr(request.user, "court", None)
        if court is None:
            raise Http404
        return court

    @extend_schema(responses=PolicyRowSerializer(many=True))
    def list(self, request):
        court = self._court(request)
        rows = [{"doc_type": code, "title": rules.TYPES[code], "sealed": sealed, "roles": list(roles)}
                for code, (sealed, roles) in services.court_policy(court.pk).items() if code in rules.TYPES]
        return Response(PolicyRowSerializer(rows, many=True).data)

    @extend_schema(request=PolicySaveSerializer, responses={200: PolicyRowSerializer(many=True)})
    def create(self, request):
        court = self._court(request)
        require(request.user, Perm.SIGNING_MANAGE, Target(court_id=court.pk))
        body = PolicySaveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.policy_save(user=request.user, court=court, rows={
            r["doc_type"]: (r["sealed"], r["roles"]) for r in body.validated_data["rows"]})
        return self.list(request)


class CertificateViewSet(viewsets.ViewSet):
    """/signing/certificate/: the user's court's active signing certificate (public information)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CertificateSerializer(many=True))
    def list(self, request):
        court = getattr(request.user, "court", None)
        cert = services.certificate_active(court.pk) if court else None
        if cert is None:
            return Response([])
        problem = services.certificate_usable(cert) or ""
        return Response(CertificateSerializer([{
            "court": cert.court_id, "subject": cert.subject, "serial": cert.serial, "not_before": cert.not_before,
            "not_after": cert.not_after, "demo": cert.demo, "usable": not problem, "problem": problem,
            "cert_pem": cert.cert_pem}], many=True).data)
