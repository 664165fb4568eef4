"""Electronic case file."""

from django.db import models  # noqa: F401
