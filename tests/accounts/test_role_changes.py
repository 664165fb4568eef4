"""No self-granted power (issue 18): a change of roles waits for a second person (another court administrator or
the court's chief), never the requester and never the user concerned, and is kept in the append-only audit."""

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.models import Role, RoleChangeRequest, RoleChangeStatus, User
from accounts.services import role_change_approve, role_change_reject, role_change_request
from tests.conftest import login, make_user


@pytest.fixture
def second_admin(org):
    return make_user("courtadmin2", org.court, [Role.COURT_ADMIN], is_staff=True, full_name="周敏")


def _admin_form(user: User, roles: list[str]) -> dict:
    return {"username": user.username, "password": user.password, "full_name": user.full_name,
            "email": user.email or "", "phone": user.phone,
            "court": user.court_id, "roles": roles, "teams": [t.pk for t in user.teams.all()],
            "is_active": "on", "is_staff": "on" if user.is_staff else ""}


def test_admin_granting_itself_chief_in_the_admin_is_pending_not_applied(client, org):
    admin = org.court_admin
    login(client, admin)
    r = client.post(reverse("admin:accounts_user_change", args=[admin.pk]),
                    _admin_form(admin, [Role.COURT_ADMIN, Role.CHIEF, Role.FINANCE]))
    assert r.status_code == 302, r.context["adminform"].form.errors
    admin.refresh_from_db()
    assert admin.roles == [Role.COURT_ADMIN]  # not applied
    request = RoleChangeRequest.objects.get(user=admin)
    assert request.status == RoleChangeStatus.PENDING and request.requested_by == admin
    assert request.old_roles == [Role.COURT_ADMIN] and request.new_roles == [Role.CHIEF, Role.FINANCE,
                                                                               Role.COURT_ADMIN]


def test_admin_creating_a_user_with_roles_gets_a_pending_request(client, org):
    login(client, org.court_admin)
    r = client.post(reverse("admin:accounts_user_add"), {"username": "newchief", "password1": "Xy-pass-2026-long",
                                                         "password2": "Xy-pass-2026-long", "usable_password": "true"})
    assert r.status_code == 302
    new = User.objects.get(username="newchief")
    r = client.post(reverse("admin:accounts_user_change", args=[new.pk]), _admin_form(new, [Role.CHIEF]) | {
        "court": org.court.pk})
    assert r.status_code == 302, r.context["adminform"].form.errors
    new.refresh_from_db()
    assert new.roles == [] and RoleChangeRequest.objects.get(user=new).new_roles == [Role.CHIEF]


def test_requester_and_subject_cannot_approve_second_admin_can_and_it_is_audited(client, org, second_admin):
    admin = org.court_admin
    request = role_change_request(actor=admin, user=admin, new_roles=[Role.COURT_ADMIN, Role.CHIEF], reason="兼任")
    with pytest.raises(PermissionDenied):  # the same admin approving its own request
        role_change_approve(actor=admin, request=request)
    login(client, admin)
    assert client.post(reverse("accounts:role_change_decide", args=[request.pk, "approve"])).status_code == 403
    admin.refresh_from_db()
    assert admin.roles == [Role.COURT_ADMIN]
    login(client, second_admin)
    page = client.get(reverse("accounts:role_changes"))
    html = page.content.decode()
    assert page.status_code == 200 and "角色变更" in html and admin.full_name in html
    r = client.post(reverse("accounts:role_change_decide", args=[request.pk, "approve"]))
    assert r.status_code == 302
    admin.refresh_from_db()
    assert admin.roles == [Role.CHIEF, Role.COURT_ADMIN]
    request.refresh_from_db()
    assert request.status == RoleChangeStatus.APPROVED and request.decided_by == second_admin
    assert request.decided_at is not None
    with pytest.raises(ValidationError):  # decided once
        role_change_approve(actor=org.chief, request=request)

    # The audit (pghistory, append-only): the user's roles before and after, who changed them and when.
    history = apps.get_model("accounts", "UserRoleHistory")
    rows = list(history.objects.filter(pgh_obj_id=admin.pk).select_related("pgh_context").order_by("pgh_id"))
    change = rows[-1]
    assert change.roles == [Role.CHIEF, Role.COURT_ADMIN] and rows[-2].roles == [Role.COURT_ADMIN]
    assert change.pgh_context.metadata["user"] == second_admin.pk
    assert change.pgh_context.metadata["service"] == "role_change_approve" and change.pgh_created_at
    req_history = apps.get_model("accounts", "RoleChangeRequestHistory")
    events = list(req_history.objects.filter(pgh_obj_id=request.pk).order_by("pgh_id"))
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert events[0].requested_by_id == admin.pk and events[0].old_roles == [Role.COURT_ADMIN]
    assert events[1].status == "approved" and events[1].decided_by_id == second_admin.pk
    # Append-only: the history cannot be edited.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {history._meta.db_table} SET roles = '{{}}' WHERE pgh_id = %s", [change.pgh_id])


def test_the_subject_cannot_approve_their_own_request_the_chief_can(org, second_admin):
    request = role_change_request(actor=org.court_admin, user=org.chief, new_roles=[Role.CHIEF, Role.FINANCE])
    with pytest.raises(PermissionDenied):
        role_change_approve(actor=org.chief, request=request)
    with pytest.raises(PermissionDenied):
        role_change_reject(actor=org.chief, request=request)
    for who in (org.officer, org.clerk, org.finance):
        with pytest.raises(PermissionDenied):
            role_change_approve(actor=who, request=request)
    role_change_approve(actor=second_admin, request=request)
    org.chief.refresh_from_db()
    assert org.chief.roles == [Role.CHIEF, Role.FINANCE]
    # The court's chief approves another's change.
    r2 = role_change_request(actor=org.court_admin, user=org.officer, new_roles=[Role.OFFICER, Role.CLERK])
    role_change_approve(actor=org.chief, request=r2)
    org.officer.refresh_from_db()
    assert org.officer.roles == [Role.OFFICER, Role.CLERK]


def test_a_user_at_another_court_cannot_approve(client, org):
    request = role_change_request(actor=org.court_admin, user=org.officer, new_roles=[Role.OFFICER, Role.CHIEF])
    other_admin = make_user("otheradmin", org.other_court, [Role.COURT_ADMIN], is_staff=True)
    for who in (org.other_chief, other_admin, org.supervisor):
        with pytest.raises(PermissionDenied):
            role_change_approve(actor=who, request=request)
        login(client, who)
        assert client.post(reverse("accounts:role_change_decide", args=[request.pk, "approve"])).status_code in (
            403, 404)
    org.officer.refresh_from_db()
    assert org.officer.roles == [Role.OFFICER]
    with pytest.raises(PermissionDenied):  # nor ask for a change of another court's staff
        role_change_request(actor=other_admin, user=org.officer, new_roles=[])


def test_bad_requests_name_the_field(org):
    with pytest.raises(ValidationError) as exc:
        role_change_request(actor=org.court_admin, user=org.officer, new_roles=["king"])
    assert "roles" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        role_change_request(actor=org.court_admin, user=org.officer, new_roles=[Role.OFFICER])
    assert "roles" in exc.value.message_dict
    role_change_request(actor=org.court_admin, user=org.officer, new_roles=[Role.CHIEF])
    with pytest.raises(ValidationError) as exc:  # one pending at a time
        role_change_request(actor=org.court_admin, user=org.officer, new_roles=[Role.CLERK])
    assert "roles" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        role_change_request(actor=org.chief, user=org.officer, new_roles=[Role.CLERK])


def test_the_admin_cannot_set_a_password_by_pasting_a_hash(client, org):
    """The change form shows the password as a read-only summary: a hash posted in its place is ignored, so a court
    administrator cannot give a colleague (the chief, say) a password it knows and sign in as them."""
    from django.contrib.auth.hashers import make_password

    chief = org.chief
    before = User.objects.get(pk=chief.pk).password
    login(client, org.court_admin)
    page = client.get(reverse("admin:accounts_user_change", args=[chief.pk]))
    assert page.status_code == 200
    assert f'value="{before}"' not in page.content.decode()  # the hash is not an editable field
    chosen = make_password("Taken-over-2026")
    r = client.post(reverse("admin:accounts_user_change", args=[chief.pk]),
                    _admin_form(chief, list(chief.roles)) | {"password": chosen})
    assert r.status_code == 302, r.context["adminform"].form.errors
    assert User.objects.get(pk=chief.pk).password == before
    assert not User.objects.get(pk=chief.pk).check_password("Taken-over-2026")
