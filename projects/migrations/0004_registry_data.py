"""The QR-era registry moves onto the monitoring registry: statuses renamed (active → under_way, closed →
completed), and the developer and general contractor named on each project become enterprises (by credit code
where one was entered, else by name with a code to be completed), linked as the project's parties."""

from django.core.exceptions import ValidationError
from django.db import migrations

from core.identity import check_credit_code

STATUSES = {"active": "under_way", "closed": "completed"}


def _enterprise(Enterprise, name, code):
    name, code = (name or "").strip(), (code or "").strip().upper()
    if not name:
        return None
    if code:
        try:
            valid = check_credit_code(code).checksum_ok
        except ValidationError:  # a malformed code: kept as entered, flagged
            valid = False
        enterprise, _created = Enterprise.objects.get_or_create(
            credit_code=code, defaults={"name": name, "credit_code_valid": valid})
        return enterprise
    return Enterprise.objects.filter(name=name).first()


def forwards(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Enterprise = apps.get_model("projects", "Enterprise")
    for old, new in STATUSES.items():
        Project.objects.filter(status=old).update(status=new)
    for project in Project.objects.all():
        project.developer = _enterprise(Enterprise, project.developer_name, project.developer_credit_code)
        project.general_contractor = _enterprise(Enterprise, project.contractor_name, project.contractor_credit_code)
        project.save(update_fields=["developer", "general_contractor"])


def backwards(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    for old, new in STATUSES.items():
        Project.objects.filter(status=new).update(status=old)
    Project.objects.filter(status__in=["planned", "wages_settled"]).update(status="closed")


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_monitoring_registry")]
    operations = [migrations.RunPython(forwards, backwards)]
