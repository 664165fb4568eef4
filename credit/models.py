"""Dishonest-debtor list and consumption restrictions."""

from django.db import models  # noqa: F401
