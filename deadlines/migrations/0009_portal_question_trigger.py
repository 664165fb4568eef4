"""The party portal's questions (portal.PortalQuestion) feed the PORTAL_QUESTION deadline: list their cases as
changed, like the child tables of migration 0004."""

from django.db import migrations

TABLE = "portal_portalquestion"
SELECT = "SELECT {t}.case_id FROM {t}"


def _mark(select: str) -> str:
    return f"INSERT INTO deadlines_dirtycase (case_id) SELECT DISTINCT x FROM ({select}) s(x) WHERE x IS NOT NULL;"


new, old = SELECT.format(t="dl_new"), SELECT.format(t="dl_old")
FORWARD = f"""
CREATE FUNCTION deadlines_mark_{TABLE}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_mark(new)}
    ELSIF TG_OP = 'DELETE' THEN
        {_mark(old)}
    ELSE
        {_mark(f"{new} UNION ALL {old}")}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER deadlines_dirty_ins AFTER INSERT ON {TABLE} REFERENCING NEW TABLE AS dl_new
    FOR EACH STATEMENT EXECUTE FUNCTION deadlines_mark_{TABLE}();
CREATE TRIGGER deadlines_dirty_upd AFTER UPDATE ON {TABLE} REFERENCING OLD TABLE AS dl_old NEW TABLE AS dl_new
    FOR EACH STATEMENT EXECUTE FUNCTION deadlines_mark_{TABLE}();
CREATE TRIGGER deadlines_dirty_del AFTER DELETE ON {TABLE} REFERENCING OLD TABLE AS dl_old
    FOR EACH STATEMENT EXECUTE FUNCTION deadlines_mark_{TABLE}();
"""
BACKWARD = ("".join(f"DROP TRIGGER IF EXISTS deadlines_dirty_{op} ON {TABLE};" for op in ("ins", "upd", "del"))
            + f"DROP FUNCTION IF EXISTS deadlines_mark_{TABLE}();")


class Migration(migrations.Migration):

    dependencies = [("deadlines", "0008_credit_triggers"), ("portal", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
