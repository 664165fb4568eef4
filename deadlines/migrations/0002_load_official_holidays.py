"""Load China's official holidays and make-up working days (core.rules.calendar.CHINA_OFFICIAL_HOLIDAYS) as the
national calendar; a court administrator edits or extends it in the admin."""

from datetime import timedelta

from django.db import migrations


def load(apps, schema_editor):
    from core.rules.calendar import CHINA_OFFICIAL_HOLIDAYS

    Holiday = apps.get_model("deadlines", "Holiday")
    existing = set(Holiday.objects.filter(court__isnull=True).values_list("date", flat=True))
    rows = []
    for notice in CHINA_OFFICIAL_HOLIDAYS.values():
        for name, (first, last) in notice["holidays"].items():
            for i in range((last - first).days + 1):
                day = first + timedelta(days=i)
                if day not in existing:
                    rows.append(Holiday(court=None, date=day, kind="holiday", name=name))
                    existing.add(day)
        for day in notice["makeup_workdays"]:
            if day not in existing:
                rows.append(Holiday(court=None, date=day, kind="workday", name="调休上班"))
                existing.add(day)
    Holiday.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
