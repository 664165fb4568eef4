"""Key deadlines by (source_id, code): code packs (source_type, kind, seq) into one integer so the engine's joins
hash two integers instead of strings (deadlines.engine.code_of)."""

from django.db import migrations, models

CODE_SQL = """
UPDATE deadlines_deadline SET code =
    array_position(ARRAY['case', 'case_party', 'lead', 'petition', 'instalment', 'control', 'auction_round', 'asset_objection', 'ledger_entry']::text[], source_type::text) * 1000000
    + array_position(ARRAY['filing', 'notice', 'term', 'objection', 'reconsideration', 'lead', 'lead_urgent', 'control_expiry', 'preservation_renewal', 'reference_price', 'reauction', 'payout', 'zb_query', 'dishonest_term', 'dishonest_removal', 'restriction_review', 'restriction_lift', 'archive', 'instalment', 'petition']::text[], kind::text) * 1000 + seq
"""


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0002_load_official_holidays")]

    operations = [
        migrations.AddField(model_name="deadline", name="code", field=models.IntegerField(null=True, verbose_name="code")),
        migrations.RunSQL(CODE_SQL, migrations.RunSQL.noop),
        migrations.AlterField(model_name="deadline", name="code", field=models.IntegerField(verbose_name="code")),
        migrations.RemoveConstraint(model_name="deadline", name="deadline_unique_source"),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.UniqueConstraint(fields=("source_id", "code"), name="deadline_unique_source"),
        ),
    ]
