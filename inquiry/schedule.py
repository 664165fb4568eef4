"""Beat schedule of the inquiry app (collected by enforcement.celery). Times are Asia/Shanghai.

Every night the post-终本 schedule gathers, per court, the 终本 cases whose six-monthly query falls due within the
court's horizon into one automatic batch and exports it (inquiry.services.zhongben). What is due is read from the
database each run; running twice makes one batch.
"""

from celery.schedules import crontab

BEAT = {
    "inquiry-post-zhongben-batches": {
        "task": "inquiry.tasks.post_zhongben_batches",
        "schedule": crontab(hour=2, minute=40),
        "options": {"expires": 6 * 3600},
    },
}
