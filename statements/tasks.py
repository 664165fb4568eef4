from celery import shared_task


@shared_task(name="statements.tasks.escalations_notify")
def escalations_notify() -> int:
    """Escalate unidentified money waiting longer than the court's limit to the chief (once per line)."""
    from .escalation import escalations_notify as run

    return run()
