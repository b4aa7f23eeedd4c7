"""The Celery application; tasks are thin wrappers over services (see each app's tasks.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("ulanxin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
