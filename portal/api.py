"""API of the staff side of the party portal: parties' questions (list, detail, answer)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.policy import Perm

from . import selectors, services
from .models import ActingAs, PortalQuestion


class PortalQuestionSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    party_name = serializers.CharField(source="case_party.party.name", read_only=True)
    party_role = serializers.CharField(source="case_party.role", read_only=True)
    acting_as = serializers.ChoiceField(choices=ActingAs.choices, read_only=True)

    class Meta:
        model = PortalQuestion
        fields = ["id", "case", "case_number", "party_name", "party_role", "acting_as", "text", "asked_at",
                  "officer", "answer", "answered_at", "answered_by"]
        read_only_fields = fields


class PortalAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)


class PortalQuestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Questions parties asked through the portal, on the cases the user may see; ``?waiting=1``: the unanswered
    ones on the cases the user handles (the officer's to-do tile)."""

    serializer_class = PortalQuestionSerializer
    queryset = PortalQuestion.objects.none()

    def get_queryset(self):
        if self.request.query_params.get("waiting") == "1":
            return selectors.waiting_questions(user=self.request.user)
        return selectors.questions_for_user(user=self.request.user)

    @extend_schema(parameters=[OpenApiParameter("waiting", str, enum=["1"], required=False)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        return selectors.question_get_for_user(user=self.request.user, pk=int(self.kwargs["pk"]))

    @extend_schema(request=PortalAnswerSerializer, responses=PortalQuestionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        question = selectors.question_get_for_user(user=request.user, pk=int(pk), perm=Perm.CASE_ACT)
        data = PortalAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.portal_question_answer(actor=request.user, question=question,
                                                   answer=data.validated_data["answer"])
        return Response(PortalQuestionSerializer(question).data)
