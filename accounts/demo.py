"""The demo court's organisation: 天水市麦积区人民法院 (甘0503) under 天水中院 (甘05) under 甘肃高院 (甘).

Idempotent: every record is found by its natural key; passwords are set only when an account is first created.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .models import Court, CourtLevel, Role, Team, TeamKind, User

DEMO_PASSWORD = "Court-demo-2026"

COURTS = [
    # code, name, level, parent code, admin division code
    ("甘", "甘肃省高级人民法院", CourtLevel.HIGH, None, "620000"),
    ("甘05", "甘肃省天水市中级人民法院", CourtLevel.INTERMEDIATE, "甘", "620500"),
    ("甘0503", "天水市麦积区人民法院", CourtLevel.BASIC, "甘05", "620503"),
    ("甘0502", "天水市秦州区人民法院", CourtLevel.BASIC, "甘05", "620502"),
]

TEAMS = [
    ("执行实施一组", TeamKind.IMPLEMENTATION),
    ("执行实施二组", TeamKind.IMPLEMENTATION),
    ("财产查控组", TeamKind.ASSET_CONTROL),
    ("财产处置组", TeamKind.ASSET_DISPOSAL),
    ("执行裁决组", TeamKind.ADJUDICATION),
]

# username, full name, roles, teams, leads team
STAFF = [
    ("chief", "王建国", [Role.CHIEF], [], None),
    ("courtadmin", "李明远", [Role.COURT_ADMIN], [], None),
    ("finance1", "赵红梅", [Role.FINANCE], [], None),
    ("finance2", "钱立新", [Role.FINANCE], [], None),
    ("clerk1", "孙丽", [Role.CLERK], ["执行实施一组"], None),
    ("clerk2", "周敏", [Role.CLERK], ["执行实施二组"], None),
    ("clerk3", "吴静", [Role.CLERK], [], None),
    ("officer1", "郑强", [Role.OFFICER], ["执行实施一组"], "执行实施一组"),
    ("officer2", "冯军", [Role.OFFICER], ["执行实施一组"], None),
    ("officer3", "陈刚", [Role.OFFICER], ["执行实施二组"], "执行实施二组"),
    ("officer4", "褚亮", [Role.OFFICER], ["执行实施二组"], None),
    ("officer5", "卫东", [Role.OFFICER], ["财产查控组"], "财产查控组"),
    ("officer6", "蒋涛", [Role.OFFICER], ["财产查控组"], None),
    ("officer7", "沈波", [Role.OFFICER], ["财产处置组"], "财产处置组"),
    ("officer8", "韩冰", [Role.OFFICER, Role.CLERK], ["执行裁决组"], "执行裁决组"),
]


@dataclass
class DemoOrg:
    court: Court
    teams: dict[str, Team]
    staff: dict[str, User]
    created_users: list[str]


def _user(username: str, *, court: Court, full_name: str, roles: list[str], is_staff=False, is_superuser=False,
          created: list[str]) -> User:
    user, was_created = User.objects.get_or_create(
        username=username,
        defaults={"court": court, "full_name": full_name, "roles": [str(r) for r in roles], "is_staff": is_staff,
                  "is_superuser": is_superuser, "email": f"{username}@maiji.court.invalid"},
    )
    if was_created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        created.append(username)
    return user


@transaction.atomic
def seed_org() -> DemoOrg:
    courts: dict[str, Court] = {}
    for code, name, level, parent, division in COURTS:
        courts[code], _ = Court.objects.get_or_create(
            code=code,
            defaults={"name": name, "level": level, "parent": courts.get(parent), "admin_division_code": division},
        )
    court = courts["甘0503"]
    if not court.fund_account_number:
        court.fund_account_name = "天水市麦积区人民法院执行款专户"
        court.fund_account_bank = "中国工商银行天水麦积支行"
        court.fund_account_number = "2705 0201 0900 0012 345"
        court.address = "甘肃省天水市麦积区商埠路（示例）"
        court.postcode = "741020"
        court.phone = "0938-2700000"
        court.save()
    teams = {
        name: Team.objects.get_or_create(court=court, name=name, defaults={"kind": kind})[0] for name, kind in TEAMS
    }
    # 分段集约: the asset-disposal team is the court's designated disposal team (移交处置 goes to it).
    Team.objects.filter(court=court, kind=TeamKind.ASSET_DISPOSAL, is_disposal_team=False).update(is_disposal_team=True)
    created: list[str] = []
    staff: dict[str, User] = {}
    for username, full_name, roles, team_names, leads in STAFF:
        user = _user(username, court=court, full_name=full_name, roles=roles,
                     is_staff=Role.COURT_ADMIN in roles, created=created)
        if username in created:
            user.teams.set([teams[t] for t in team_names])
        staff[username] = user
        if leads and teams[leads].leader_id is None:
            teams[leads].leader = user
            teams[leads].save(update_fields=["leader"])
    # A supervisor at the intermediate court, and a neighbouring court's officer (for access-control demos).
    staff["zy_chief"] = _user("zy_chief", court=courts["甘05"], full_name="刘振华", roles=[Role.CHIEF], created=created)
    qz_team, _ = Team.objects.get_or_create(court=courts["甘0502"], name="执行实施组",
                                            defaults={"kind": TeamKind.IMPLEMENTATION})
    staff["qz_officer"] = _user("qz_officer", court=courts["甘0502"], full_name="何平", roles=[Role.OFFICER],
                                created=created)
    if "qz_officer" in created:
        staff["qz_officer"].teams.set([qz_team])
    # 甘0502's chief and clerk (delegation between courts: they accept what 甘0503 sends and assign it).
    staff["qz_chief"] = _user("qz_chief", court=courts["甘0502"], full_name="马超", roles=[Role.CHIEF],
                              created=created)
    staff["qz_clerk"] = _user("qz_clerk", court=courts["甘0502"], full_name="杨洁", roles=[Role.CLERK],
                              created=created)
    staff["sysadmin"] = _user("sysadmin", court=court, full_name="系统管理员", roles=[], is_staff=True,
                              is_superuser=True, created=created)
    return DemoOrg(court=court, teams=teams, staff=staff, created_users=created)
