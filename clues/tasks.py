"""Celery tasks of the clues app: thin wrappers over services."""

from celery import shared_task

from .importer import run_import_job


@shared_task
def run_national_import(job_id):
    """Process one stored national-platform import job (see clues.importer)."""
    job = run_import_job(job_id)
    return job["state"] if job else None
