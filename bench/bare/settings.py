"""The bare DRF app of the intake benchmark: one model, one CreateAPIView, nothing else.

The yardstick the project's intake is measured against (bench/intake_bench.py): the same Django, DRF,
psycopg 3 pool and gunicorn settings as the project, serving a one-row insert of a clue-sized row.
"""

import os

import dj_database_url

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "bench.bare"]
# Django's default stack less sessions, auth and messages (the endpoint has no users).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bench.bare.urls"
WSGI_APPLICATION = "bench.bare.wsgi.application"
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=0)}
# The project's pool (config/settings/base.py).
DATABASES["default"]["OPTIONS"] = {
    "pool": {"min_size": int(os.environ.get("DB_POOL_MIN", "1")), "max_size": int(os.environ.get("DB_POOL_MAX", "10")),
             "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "3"))},
    "connect_timeout": int(os.environ.get("DB_CONNECT_TIMEOUT", "2")),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
LANGUAGE_CODE = "zh-hans"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
}
