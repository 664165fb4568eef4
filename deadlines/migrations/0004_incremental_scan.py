"""The incremental scan: the engine's bookkeeping row (``ScanState``), the list of cases whose facts changed since the
last scan (``deadlines_dirtycase``) and the list of deadlines the reminder claim has not looked at since they changed
(``deadlines_claimdirty``).

``deadlines_dirtycase`` is filled by statement-level triggers on every table the engine reads (deadlines.engine's
sources). They belong to the deadlines app: the cases, assets and notices apps know nothing of them; each trigger
only inserts case ids (over-marking is harmless: a marked case is recomputed exactly as a full scan would). The
engine consumes the list with ``DELETE ... RETURNING`` at the start of its transaction, so a change committed later
stays listed for the next scan. The claim reads ``deadlines_claimdirty`` and deletes the rows it read (by their id)
when it commits: claims are not serialised, and a row listed meanwhile stays for the next claim.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Columns of cases_case the engine reads (deadlines.engine._setup and the sources).
CASE_COLUMNS = ("court_id", "team_id", "officer_id", "case_type", "stage", "received_on", "filed_on", "closed_on",
                "closure_mode", "archived_on", "non_litigation", "origin_case_id")

# Child tables: how a row of the transition table {t} leads to its case id(s).
CHILD_TABLES = {
    "cases_caseparty": "SELECT {t}.case_id FROM {t}",
    "cases_action": "SELECT {t}.case_id FROM {t}",
    "cases_termpause": "SELECT {t}.case_id FROM {t}",
    "cases_termextension": "SELECT {t}.case_id FROM {t}",
    "cases_lead": "SELECT {t}.case_id FROM {t}",
    "cases_petition": "SELECT {t}.case_id FROM {t}",
    "cases_settlement": "SELECT {t}.case_id FROM {t}",
    "cases_settlementinstalment": "SELECT s.case_id FROM {t} JOIN cases_settlement s ON s.id = {t}.settlement_id",
    "notices_issueddocument": "SELECT {t}.case_id FROM {t}",
    "assets_asset": "SELECT {t}.case_id FROM {t}",
    "assets_controlmeasure": "SELECT {t}.case_id FROM {t}",
    # a disposal's reference-price request meets the deadline of every control of its asset
    "assets_disposal": "SELECT {t}.case_id FROM {t} UNION ALL "
                       "SELECT a.case_id FROM {t} JOIN assets_asset a ON a.id = {t}.asset_id",
    "assets_auctionround": "SELECT d.case_id FROM {t} JOIN assets_disposal d ON d.id = {t}.disposal_id",
    "assets_objection": "SELECT a.case_id FROM {t} JOIN assets_asset a ON a.id = {t}.asset_id",
    "assets_ledgerentry": "SELECT {t}.case_id FROM {t} UNION ALL "
                          "SELECT r.case_id FROM {t} JOIN assets_ledgerentry r ON r.id = {t}.reverses_id",
}

TABLES_SQL = """
CREATE TABLE deadlines_dirtycase (case_id bigint NOT NULL);
CREATE TABLE deadlines_claimdirty (id bigserial PRIMARY KEY, deadline_id bigint NOT NULL);
INSERT INTO deadlines_scanstate (id, rules_key, reload_seq, claim_key, claim_reload_seq) VALUES (1, '', 0, '', 0);
"""


def _mark(select: str) -> str:
    return f"INSERT INTO deadlines_dirtycase (case_id) SELECT DISTINCT x FROM ({select}) s(x) WHERE x IS NOT NULL;"


def _function(table: str, insert_sql: str, delete_sql: str, update_sql: str) -> str:
    return f"""
CREATE FUNCTION deadlines_mark_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {insert_sql}
    ELSIF TG_OP = 'DELETE' THEN
        {delete_sql}
    ELSE
        {update_sql}
    END IF;
    RETURN NULL;
END $$;
"""


def _case_function() -> str:
    old = ", ".join(f"o.{c}" for c in CASE_COLUMNS)
    new = ", ".join(f"n.{c}" for c in CASE_COLUMNS)
    # a resumed case (origin_case_id) ends its origin's 终本 queries: the origin is marked too
    return _function(
        "cases_case",
        _mark("SELECT v.x FROM dl_new n CROSS JOIN LATERAL (VALUES (n.id), (n.origin_case_id)) v(x)"),
        _mark("SELECT v.x FROM dl_old o CROSS JOIN LATERAL (VALUES (o.id), (o.origin_case_id)) v(x)"),
        _mark(f"""SELECT v.x FROM dl_old o JOIN dl_new n ON n.id = o.id
                  CROSS JOIN LATERAL (VALUES (o.id), (o.origin_case_id), (n.origin_case_id)) v(x)
                  WHERE ({old}) IS DISTINCT FROM ({new})"""),
    )


def _child_function(table: str, select: str) -> str:
    new, old = select.format(t="dl_new"), select.format(t="dl_old")
    return _function(table, _mark(new), _mark(old), _mark(f"{new} UNION ALL {old}"))


def _team_function() -> str:
    # A team's leader is responsible for its cases without an officer.
    return _function(
        "accounts_team", "NULL;", "NULL;",
        _mark("""SELECT c.id FROM dl_old o JOIN dl_new n ON n.id = o.id
                 JOIN cases_case c ON c.team_id = n.id AND c.officer_id IS NULL
                 WHERE o.leader_id IS DISTINCT FROM n.leader_id"""),
    )


def _triggers(table: str) -> str:
    return f"""
CREATE TRIGGER deadlines_dirty_ins AFTER INSERT ON {table} REFERENCING NEW TABLE AS dl_new
    FOR EACH STATEMENT EXECUTE FUNCTION deadlines_mark_{table}();
CREATE TRIGGER deadlines_dirty_upd AFTER UPDATE ON {table} REFERENCING OLD TABLE AS dl_old NEW TABLE AS dl_new
    FOR EACH STATEMENT EXECUTE FUNCTION deadlines_mark_{table}();
CREATE TRIGGER deadlines_dirty_del AFTER DELETE ON {table} REFERENCING OLD TABLE AS dl_old
    FOR EACH STATEMENT EXECUTE FUNCTION deadlines_mark_{table}();
"""


HOT_TABLES = ("deadlines_deadline", "deadlines_reminder", "deadlines_notification")
VACUUM_SQL = "".join(f"ALTER TABLE {t} SET (autovacuum_vacuum_scale_factor = 0.02, "
                     f"autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);"
                     for t in HOT_TABLES)
VACUUM_BACK = "".join(f"ALTER TABLE {t} RESET (autovacuum_vacuum_scale_factor, "
                      f"autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor);" for t in HOT_TABLES)

ALL_TABLES = ("cases_case", "accounts_team", *CHILD_TABLES)

FORWARD = (TABLES_SQL + _case_function() + _triggers("cases_case") + _team_function() + _triggers("accounts_team")
           + "".join(_child_function(t, sql) + _triggers(t) for t, sql in CHILD_TABLES.items()))
BACKWARD = ("".join(f"DROP TRIGGER IF EXISTS deadlines_dirty_{op} ON {t};" for t in ALL_TABLES
                    for op in ("ins", "upd", "del"))
            + "".join(f"DROP FUNCTION IF EXISTS deadlines_mark_{t}();" for t in ALL_TABLES)
            + "DROP TABLE IF EXISTS deadlines_dirtycase; DROP TABLE IF EXISTS deadlines_claimdirty;")


class Migration(migrations.Migration):

    dependencies = [
        ("deadlines", "0003_deadline_code"),
        ("accounts", "0001_initial"),
        ("cases", "0003_party_search"),
        ("assets", "0003_control_case_team"),
        ("notices", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ScanState",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("as_of", models.DateField(blank=True, null=True)),
                ("rules_key", models.CharField(blank=True, default="", max_length=32)),
                ("reload_seq", models.IntegerField(default=0)),
                ("claim_as_of", models.DateField(blank=True, null=True)),
                ("claim_key", models.CharField(blank=True, default="", max_length=32)),
                ("claim_reload_seq", models.IntegerField(default=0)),
            ],
            options={"verbose_name": "scan state", "verbose_name_plural": "scan state"},
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        # deadline_case_idx (case, due_on) and deadline_open_court_idx (court, due_on) lead with these columns
        migrations.AlterField(
            model_name="deadline",
            name="case",
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="deadlines", to="cases.case", verbose_name="case"),
        ),
        migrations.AlterField(
            model_name="deadline",
            name="court",
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="accounts.court", verbose_name="court"),
        ),
        # covered by reminder_claimed_once (deadline, ...) and notification_recipient_idx (recipient, created_at)
        migrations.AlterField(
            model_name="notification",
            name="recipient",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="notifications", to=settings.AUTH_USER_MODEL,
                                    verbose_name="recipient"),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="deadline",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="reminders", to="deadlines.deadline"),
        ),
        # "my deadlines" reads a page in index order (responsible, due_on, id)
        migrations.RemoveIndex(model_name="deadline", name="deadline_open_resp_idx"),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(condition=models.Q(("status__in", ["open", "overdue"])),
                               fields=["responsible", "due_on", "id"], name="deadline_open_resp_order_idx"),
        ),
        # the scans update a few percent of these tables a day: vacuum them soon after, so that counts ("my
        # deadlines", the unread badge) stay index-only
        migrations.RunSQL(VACUUM_SQL, VACUUM_BACK),
    ]
