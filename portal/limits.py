"""Fixed-window counters in the cache (Redis in production): ``hit`` counts and says whether the limit is passed."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache


def digest(*parts: str) -> str:
    """An HMAC (SECRET_KEY) of the parts: what the cache keys and the code table store instead of what was typed."""
    message = "\x1f".join(parts).encode("utf-8")
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), message, hashlib.sha256).hexdigest()


def hit(name: str, subject: str, *, limit: int, window: int) -> bool:
    """Count one event of ``name`` for ``subject`` in the current window; True while at most ``limit`` happened."""
    key = f"portal:{name}:{digest(name, subject)[:40]}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit


def cooling(subject: str, *, seconds: int) -> bool:
    """True when ``subject`` asked less than ``seconds`` ago (the first call starts the cooldown)."""
    return not cache.add(f"portal:cool:{digest('cool', subject)[:40]}", 1, timeout=seconds)
