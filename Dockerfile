FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=enforcement.settings
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai \
        poppler-utils tesseract-ocr tesseract-ocr-chi-sim ghostscript gettext curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
COPY . .
RUN python -m notices.pdf.fonts prepare --out /app/var/fonts \
 && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0 \
 && useradd --system --uid 10001 court && mkdir -p /app/var/media && chown -R court /app/var
USER court
EXPOSE 8000
CMD ["gunicorn", "enforcement.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
