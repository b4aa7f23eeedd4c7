# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production VAR_DIR=/app/var
# CJK fonts for the PDF letters; curl for the health check.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-zenhei curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# collectstatic needs settings to import; these throwaway values exist only during the build.
RUN DJANGO_SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --noinput -v0 \
    && useradd --system --home /app ulanxin && mkdir -p /app/var && chown -R ulanxin /app/var
USER ulanxin
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
