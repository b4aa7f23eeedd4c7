"""Provision (or update) a staff account from a script; the password comes from $STAFF_PASSWORD."""

import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from accounts.services import staff_set_role
from units.models import Unit


class Command(BaseCommand):
    help = ("创建或更新工作人员账号:add_staff 用户名 --role intake|officer|supervisor|admin "
            "[--unit 单位代码]。密码取自环境变量 STAFF_PASSWORD。")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help="intake | officer | supervisor | admin")
        parser.add_argument("--unit", help="单位代码,例如 150921(卓资县)或 housing(住建局)")
        parser.add_argument("--name", help="姓名(可选)")

    def handle(self, *args, username, role, unit=None, name=None, **options):
        if role not in Role.values:
            raise CommandError(f"未知角色“{role}”。可用角色:{', '.join(Role.values)}。")
        password = os.environ.get("STAFF_PASSWORD", "")
        if not password:
            raise CommandError("请通过环境变量 STAFF_PASSWORD 提供密码(不要写在命令行上)。")

        unit_obj = None
        if unit:
            unit_obj = Unit.objects.filter(code=unit).first()
            if unit_obj is None:
                raise CommandError(
                    f"未知单位代码“{unit}”。单位列表见管理后台“承办单位”或 GET /api/v1/units/。")
        elif role == Role.OFFICER:
            raise CommandError("承办员必须指定所属单位:--unit 单位代码。")
        else:
            unit_obj = Unit.objects.filter(kind=Unit.Kind.CITY).first()
        if role == Role.OFFICER and unit_obj.kind == Unit.Kind.CITY:
            raise CommandError("承办员应属于旗县市区或行业部门,而不是市级统筹单位。")

        user = User.objects.filter(username=username).first() or User(username=username)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("密码不符合要求:" + ";".join(exc.messages)) from exc

        with transaction.atomic():
            created = user.pk is None
            user.unit = unit_obj
            if name:
                user.last_name, user.first_name = name[:1], name[1:]
            user.is_staff = role == Role.ADMIN
            user.set_password(password)
            user.save()
            staff_set_role(user, role)
        verb = "已创建" if created else "已更新"
        self.stdout.write(self.style.SUCCESS(
            f"{verb}账号 {username}:角色 {Role(role).label},单位 {unit_obj.name if unit_obj else '无'}。"))
