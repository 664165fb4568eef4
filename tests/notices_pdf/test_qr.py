"""The verification QR code: the mask is chosen with precomputed bitmaps instead of eight builds of the symbol
(notices.pdf.qr.best_mask). The symbol must be exactly the one the ``qrcode`` library makes on its own (same version,
same mask, same modules), for short links and for long ones (version 7 and up carry version information)."""

from __future__ import annotations

import random
import string

import pytest
import qrcode
import qrcode.constants
import qrcode.util

from notices.pdf import qr


def _reference(text: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=qr.QUIET_ZONE)
    code.add_data(text)
    code.make(fit=True)
    return code


def _texts() -> list[str]:
    rng = random.Random(18004)
    alphabet = string.ascii_uppercase + string.digits + "-"
    texts = ["https://zxgk.tsmj.court.example/v/7K3Q-0000-2DPE", "7K3Q-0000-2DPE", "x",
             "https://法院.example/核验?code=7K3Q"]
    for length in (10, 30, 60, 90, 140, 220, 330, 480):
        texts += ["https://court.example/v/" + "".join(rng.choice(alphabet) for _ in range(length)) for _ in range(6)]
    return texts


@pytest.mark.parametrize("text", _texts())
def test_the_symbol_is_the_one_qrcode_makes(text):
    reference = _reference(text)
    assert qr.qr_matrix(text) == reference.get_matrix()


def test_the_texts_reach_versions_with_version_information():
    assert max(_reference(t).version for t in _texts()) >= 10


@pytest.mark.parametrize("text", _texts()[::7])
def test_each_mask_is_scored_as_qrcode_scores_it(text):
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.best_fit(start=None)
    scores = []
    for pattern in range(8):
        code.makeImpl(True, pattern)
        rows, cols = qr._bits(code.modules)
        scores.append(qr.penalty(rows, cols, code.modules_count))
        assert scores[-1] == qrcode.util.lost_point(code.modules), f"mask {pattern}"
    assert len(set(scores)) > 1  # the masks really differ, so the choice is a real one
    assert qr.best_mask(code) == scores.index(min(scores))


def test_empty_text_is_refused():
    with pytest.raises(ValueError):
        qr.qr_matrix("")
