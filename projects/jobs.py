"""Upload jobs of the projects app (a payroll file, a registry import): the file and a JSON status beside it under
MEDIA_ROOT/project_jobs/, the status mirrored in the cache for the progress page. A job is run inline when the
file is small, else by the Celery task the caller names; it can be run again after a crash.
"""

import json
import logging
import os
import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

JOB_CACHE_TIMEOUT = 7 * 24 * 60 * 60
_JOB_ID_RE = re.compile(r"^[0-9a-f]{32}$")


def jobs_dir():
    path = Path(settings.MEDIA_ROOT) / "project_jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cache_key(job_id):
    return f"projects:job:{job_id}"


def _status_path(job_id):
    return jobs_dir() / f"{job_id}.json"


def job_file(job):
    return jobs_dir() / f"{job['id']}.{job['ext']}"


def write_job(job):
    """Store the status in the JSON file (atomically) and the cache."""
    job["updated_at"] = timezone.now().isoformat()
    path = _status_path(job["id"])
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    try:
        cache.set(_cache_key(job["id"]), job, JOB_CACHE_TIMEOUT)
    except Exception:  # the file is the record; a cache outage only costs speed
        logger.warning("project job %s: cache write failed", job["id"], exc_info=True)
    return job


def read_job(job_id):
    """The job's status (cache first, then its file), or None for an unknown or malformed id."""
    job_id = str(job_id).replace("-", "")
    if not _JOB_ID_RE.match(job_id):
        return None
    try:
        job = cache.get(_cache_key(job_id))
    except Exception:
        job = None
    if job is not None:
        return job
    path = _status_path(job_id)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def create_job(kind, data, *, ext, user, filename, total, **meta):
    job_id = uuid.uuid4().hex
    (jobs_dir() / f"{job_id}.{ext}").write_bytes(data)
    job = {"id": job_id, "kind": kind, "ext": ext, "filename": Path(filename or "").name[:200],
           "user_id": user.pk, "state": "queued", "phase": "", "total": total, "done": 0, "message": "",
           "errors": [], "result": None, "created_at": timezone.now().isoformat(), "finished_at": None, **meta}
    return write_job(job)


class Progress:
    """A progress callback that writes the job a few times a second, not on every row."""

    def __init__(self, job, phase):
        self.job, self.phase, self.last = job, phase, 0.0

    def __call__(self, done, total):
        if done == total or time.monotonic() - self.last > 0.5:
            self.job.update(phase=self.phase, done=done, total=total)
            write_job(self.job)
            self.last = time.monotonic()


def finish(job, state, **fields):
    job.update(state=state, finished_at=timezone.now().isoformat(), **fields)
    return write_job(job)
