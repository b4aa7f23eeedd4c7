"""Staff pages of the projects app: the list and its import/export, a project's page, the 劳资专管员's workspace,
the payroll upload and its progress, the 劳资专管员 accounts of a project."""

from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("export.xlsx", views.project_export, name="export"),
    path("import/", views.registry_import_upload, name="import"),
    path("import/template.xlsx", views.registry_import_template, name="import_template"),
    path("import/<str:job_id>/", views.registry_import_status, name="import_status"),
    path("payroll-template.<str:fmt>", views.payroll_template, name="payroll_template"),
    path("<str:code>/", views.project_detail, name="detail"),
    path("<str:code>/workspace/", views.workspace, name="workspace"),
    path("<str:code>/duties/<str:kind>/", views.duty_submit, name="duty_submit"),
    path("<str:code>/duties/<str:kind>/verify/", views.duty_verify, name="duty_verify"),
    path("<str:code>/duties/<str:kind>/evidence", views.duty_evidence, name="duty_evidence"),
    path("<str:code>/allocations/", views.allocation_submit, name="allocation_submit"),
    path("<str:code>/payroll/upload/", views.payroll_upload, name="payroll_upload"),
    path("<str:code>/payroll/jobs/<str:job_id>/", views.payroll_job, name="payroll_job"),
    path("<str:code>/payroll/<str:month>/", views.payroll_month, name="payroll_month"),
    path("<str:code>/managers/", views.managers, name="managers"),
]
