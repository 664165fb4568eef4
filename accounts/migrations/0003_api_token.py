"""API tokens move to django-rest-knox (accounts.ApiToken: hashed, expiring, one per device).

The old never-expiring DRF tokens (rest_framework.authtoken, no longer installed) are dropped: clients sign in again.
knox's own migrations create its table knox_authtoken even though KNOX_TOKEN_MODEL swaps the model out; it would stay
empty and, referencing accounts_user, make Django's flush (TRUNCATE without CASCADE) fail, so it is dropped too.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_disposal_team_role_changes'),
        ('knox', '0009_extend_authtoken_field'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('digest', models.CharField(max_length=128, primary_key=True, serialize=False)),
                ('token_key', models.CharField(db_index=True, max_length=25)),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('expiry', models.DateTimeField(blank=True, null=True)),
                ('device', models.CharField(blank=True, max_length=100, verbose_name='device')),
                ('user_agent', models.CharField(blank=True, max_length=200, verbose_name='user agent')),
                ('last_used', models.DateTimeField(blank=True, null=True, verbose_name='last used')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='auth_token_set', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'API token',
                'verbose_name_plural': 'API tokens',
                'ordering': ['-created'],
            },
        ),
        migrations.RunSQL(
            "DROP TABLE IF EXISTS authtoken_token CASCADE; DELETE FROM django_migrations WHERE app = 'authtoken';"
            "DROP TABLE IF EXISTS knox_authtoken;",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
