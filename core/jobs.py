"""Upload jobs: the uploaded file and a JSON status beside it under MEDIA_ROOT/<folder>/, the status mirrored in
the cache for the progress page. The file is the record (a cache flush loses nothing); a job can be run again
after a crash. Used by the national clue import and by the projects' payroll and registry uploads.
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


class JobStore:
    """The jobs of one kind of upload: their folder under MEDIA_ROOT and their cache keys."""

    def __init__(self, folder, cache_prefix):
        self.folder, self.cache_prefix = folder, cache_prefix

    def directory(self):
        path = Path(settings.MEDIA_ROOT) / self.folder
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _cache_key(self, job_id):
        return f"{self.cache_prefix}:{job_id}"

    def _status_path(self, job_id):
        return self.directory() / f"{job_id}.json"

    def file(self, job):
        """The uploaded file of `job`."""
        return self.directory() / f"{job['id']}.{job['ext']}"

    def write(self, job):
        """Store the status in the JSON file (atomically) and the cache."""
        job["updated_at"] = timezone.now().isoformat()
        path = self._status_path(job["id"])
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
        try:
            cache.set(self._cache_key(job["id"]), job, JOB_CACHE_TIMEOUT)
        except Exception:  # the file is the record; a cache outage only costs speed
            logger.warning("job %s: cache write failed", job["id"], exc_info=True)
        return job

    def read(self, job_id):
        """The job's status (cache first, then its file), or None for an unknown or malformed id."""
        job_id = str(job_id).replace("-", "")
        if not _JOB_ID_RE.match(job_id):
            return None
        try:
            job = cache.get(self._cache_key(job_id))
        except Exception:
            job = None
        if job is not None:
            return job
        path = self._status_path(job_id)
        if not path.exists():
            return None
        job = json.loads(path.read_text(encoding="utf-8"))
        try:
            cache.set(self._cache_key(job_id), job, JOB_CACHE_TIMEOUT)
        except Exception:  # noqa: S110 - the file answered; the cache is only a shortcut
            pass
        return job

    def create(self, data, *, ext, user, filename, total, **meta):
        """Store `data` (the upload) as a new queued job; returns the job."""
        job_id = uuid.uuid4().hex
        (self.directory() / f"{job_id}.{ext}").write_bytes(data)
        job = {"id": job_id, "ext": ext, "filename": Path(filename or "").name[:200], "user_id": user.pk,
               "state": "queued", "phase": "", "total": total, "done": 0, "message": "", "errors": [],
               "result": None, "created_at": timezone.now().isoformat(), "started_at": None, "finished_at": None,
               **meta}
        return self.write(job)

    def finish(self, job, state, **fields):
        job.update(state=state, finished_at=timezone.now().isoformat(), **fields)
        return self.write(job)

    def progress(self, job, phase=""):
        """A progress callback `(done, total)` that writes the job a few times a second, not on every row."""
        return Progress(self, job, phase)


class Progress:
    def __init__(self, store, job, phase):
        self.store, self.job, self.phase, self.last = store, job, phase, 0.0

    def __call__(self, done, total):
        if done == total or time.monotonic() - self.last > 0.5:
            self.job.update(done=done, total=total, **({"phase": self.phase} if self.phase else {}))
            self.store.write(self.job)
            self.last = time.monotonic()
