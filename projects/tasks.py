"""Celery tasks of the projects app: thin wrappers over the upload jobs."""

from celery import shared_task

from .payroll import run_payroll_job as _run_payroll_job
from .registry_import import run_registry_job as _run_registry_job


@shared_task
def run_payroll_job(job_id):
    """Check and store one uploaded payroll file (see projects.payroll)."""
    job = _run_payroll_job(job_id)
    return job["state"] if job else None


@shared_task
def run_registry_job(job_id):
    """Import one uploaded registry workbook (see projects.registry_import)."""
    job = _run_registry_job(job_id)
    return job["state"] if job else None
