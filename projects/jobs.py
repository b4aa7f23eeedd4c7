"""Upload jobs of the projects app (a payroll file, a registry import), kept by core.jobs under
MEDIA_ROOT/project_jobs/. A job is run inline when the file is small, else by the Celery task the caller names.
"""

from core.jobs import JobStore

STORE = JobStore("project_jobs", "projects:job")

jobs_dir = STORE.directory
job_file = STORE.file
write_job = STORE.write
read_job = STORE.read
finish = STORE.finish
progress = STORE.progress


def create_job(kind, data, *, ext, user, filename, total, **meta):
    return STORE.create(data, ext=ext, user=user, filename=filename, total=total, kind=kind, **meta)
