"""Beat schedule of the credit app (collected by enforcement.celery). Times are Asia/Shanghai.

Every hour the removal-ground scan opens the removals whose ground the system can see (a receipt paid the claim,
a settlement was performed, a listing's term expired, two post-终本 queries found nothing); a closure opens its
removals at once (cases.signals.case_closed). Running twice opens nothing twice.
"""

from celery.schedules import crontab

BEAT = {
    "credit-removal-grounds": {
        "task": "credit.tasks.removal_grounds_scan",
        "schedule": crontab(minute=25),
        "options": {"expires": 3000},
    },
}
