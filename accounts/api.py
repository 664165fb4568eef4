"""API sign-in: exchange a username and password for an expiring token (one per device); list and revoke tokens."""

from django.contrib.auth import authenticate, user_logged_in
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .models import ApiToken
from .policy import user_perms
from .tokens import api_token_create, api_token_list, api_token_revoke, api_token_revoke_current, api_tokens_revoke_all


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)
    device = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="",
        help_text="A name for the device or program (e.g. 'office PC'); signing in again with the same name "
                  "replaces that device's previous token.",
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField()
    device = serializers.CharField()


class ApiTokenSerializer(serializers.Serializer):
    key = serializers.CharField(source="token_key", help_text="The first characters of the token: its public id.")
    device = serializers.CharField()
    user_agent = serializers.CharField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()
    last_used = serializers.DateTimeField(allow_null=True)
    current = serializers.SerializerMethodField()

    def get_current(self, obj) -> bool:
        return obj.pk == self.context.get("current")


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=TokenRequestSerializer, responses={200: TokenResponseSerializer},
        summary="Obtain an API token (it expires; one per device)",
    )
    def post(self, request):
        ser = TokenRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None:
            raise serializers.ValidationError({"password": [_("The username or password is wrong.")]})
        instance, token = api_token_create(user=user, device=data["device"].strip(),
                                           user_agent=request.META.get("HTTP_USER_AGENT", ""))
        # As a page sign-in does: last_login is set, and the lockout forgets this account's failures (axes).
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response(TokenResponseSerializer({"token": token, "expiry": instance.expiry,
                                                 "device": instance.device}).data)


def _current_token(request):
    return request.auth if isinstance(request.auth, ApiToken) else None


class TokenRevokeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, summary="Revoke the API token of this request (sign out)")
    def delete(self, request):
        token = _current_token(request)
        if token is None:
            raise serializers.ValidationError(
                {"non_field_errors": [_("This request is not signed with an API token.")]})
        api_token_revoke_current(token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ApiTokenSerializer(many=True), summary="The signed-in user's API tokens")
    def get(self, request):
        current = _current_token(request)
        return Response(ApiTokenSerializer(api_token_list(user=request.user), many=True,
                                           context={"current": current.pk if current else None}).data)

    @extend_schema(request=None, responses={204: None}, summary="Revoke every API token of the signed-in user",
                   operation_id="v1_auth_tokens_revoke_all")
    def delete(self, request):
        api_tokens_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, summary="Revoke one of the signed-in user's API tokens",
                   operation_id="v1_auth_tokens_revoke",
                   parameters=[OpenApiParameter("key", str, OpenApiParameter.PATH, description="The token's key")])
    def delete(self, request, key: str):
        if not api_token_revoke(user=request.user, key=key):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    court = serializers.CharField(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())
    permissions = serializers.ListField(child=serializers.CharField())


class MeView(APIView):
    @extend_schema(responses=MeSerializer, summary="The signed-in user, their court, roles and permissions")
    def get(self, request):
        u = request.user
        return Response(MeSerializer({
            "id": u.pk, "username": u.username, "full_name": u.display_name,
            "court": u.court.name if u.court_id else None, "roles": u.roles,
            "permissions": sorted(user_perms(u)),
        }).data)
