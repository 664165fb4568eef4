import pytest

from cases.models import Case


@pytest.fixture(autouse=True)
def _inquiry_dirs(settings, tmp_path):
    settings.INQUIRY_OUTBOX_DIR = tmp_path / "outbox"
    settings.INQUIRY_INBOX_DIR = tmp_path / "inbox"


def close_zhongben(case, on):
    Case.objects.filter(pk=case.pk).update(stage="closed", closure_mode="terminated_round", closed_on=on)
    case.refresh_from_db()
    return case


def close_fulfilled(case, on):
    Case.objects.filter(pk=case.pk).update(stage="closed", closure_mode="fulfilled", closed_on=on)
    case.refresh_from_db()
    return case
