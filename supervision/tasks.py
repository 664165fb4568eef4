"""Celery tasks of the supervision app (beat: supervision/schedule.py)."""

from celery import shared_task


@shared_task(name="supervision.tasks.dispatch_escalate", ignore_result=True)
def dispatch_escalate() -> int:
    """Every minute: dispatches not confirmed in time go to the chief, once each (see services.tickets_escalate)."""
    from .services import tickets_escalate

    return tickets_escalate()


@shared_task(name="supervision.tasks.orders_escalate", ignore_result=True)
def orders_escalate() -> int:
    """Supervision orders past their reply date are escalated, once per order, round and level."""
    from .services import orders_escalate as run

    return run()
