"""Beat: the e-file's sweep (unindexed generated documents, stuck OCR and volumes) every 15 minutes."""

from celery.schedules import crontab

BEAT = {
    "efile-sweep": {"task": "efile.sweep", "schedule": crontab(minute="*/15")},
}
