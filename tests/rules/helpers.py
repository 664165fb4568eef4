from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, settings

# Property tests: no per-example deadline (CI machines vary); enough examples to find edge cases.
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def raises_code(code: str, *fragments: str):
    """Expect a ValidationError with ``code`` whose rendered message contains every fragment."""
    with pytest.raises(ValidationError) as info:
        yield info
    assert info.value.code == code, (info.value.code, info.value.messages)
    message = " ".join(info.value.messages)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
