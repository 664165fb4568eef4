#!/usr/bin/env bash
# Prepare this machine for the project: Debian packages, the virtualenv, Python packages, fonts.
# Usage: scripts/bootstrap.sh [--test]   (--test adds what the test suite needs: Chromium, poppler, Redis)
# Idempotent and quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

pkgs=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai)
# The electronic case file (efile) OCRs scans with OCRmyPDF: Tesseract with Simplified Chinese, Ghostscript, and
# pdftotext (poppler) reads the text of generated documents.
pkgs+=(tesseract-ocr tesseract-ocr-chi-sim ghostscript poppler-utils)
if [ "$want_test" = 1 ]; then
  pkgs+=(chromium poppler-utils redis-server fonts-noto-cjk-extra)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    echo ">> Installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "!! Missing system packages (${missing[*]}) and no apt-get: install them with your package manager." >&2
    exit 1
  fi
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo ">> Creating the virtualenv (.venv)"
  "$PY" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo ">> Installing Python packages (requirements.txt)"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q --require-hashes -r requirements.txt
  echo "$want" > "$stamp"
fi

# The notice fonts are cut from Debian's CJK fonts once, at set-up (see docs/fonts.md).
if [ -f notices/pdf/fonts.py ]; then
  .venv/bin/python -m notices.pdf.fonts prepare --jobs 2 --out "${ENF_FONTS_DIR:-${ENF_VAR_DIR:-var}/fonts}" >/dev/null
fi
