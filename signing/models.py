"""Electronic signatures and seals."""

from django.db import models  # noqa: F401
