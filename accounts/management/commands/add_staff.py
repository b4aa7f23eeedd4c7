"""Provision (or update) a staff account from a script; the password comes from $STAFF_PASSWORD."""

import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.provisioning import assigner_for
from accounts.roles import Role
from accounts.services import staff_set_role
from core.identity import normalize_mobile
from units.models import Unit


class Command(BaseCommand):
    help = ("创建或更新工作人员账号:add_staff 用户名 --role intake|officer|supervisor|admin "
            "[--unit 单位代码];劳资专管员:add_staff 用户名 --role wage_manager --project 项目编号 "
            "[--project 项目编号 …] [--phone 手机号]。密码取自环境变量 STAFF_PASSWORD。")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help="intake | officer | supervisor | admin | wage_manager")
        parser.add_argument("--unit", help="单位代码,例如 150921(卓资县)或 housing(住建局)")
        parser.add_argument("--name", help="姓名(可选)")
        parser.add_argument("--project", action="append", dest="projects", metavar="CODE",
                            help="劳资专管员管理的项目编号(可重复)")
        parser.add_argument("--phone", help="手机号码(可选;劳资专管员接收预警短信)")

    def handle(self, *args, username, role, unit=None, name=None, projects=None, phone=None, **options):
        if role not in Role.values:
            raise CommandError(f"未知角色“{role}”。可用角色:{', '.join(Role.values)}。")
        password = os.environ.get("STAFF_PASSWORD", "")
        if not password:
            raise CommandError("请通过环境变量 STAFF_PASSWORD 提供密码(不要写在命令行上)。")

        if role == Role.WAGE_MANAGER:
            return self._wage_manager(username, password, name=name, projects=projects or [], unit=unit,
                                      phone=phone)
        if projects:
            raise CommandError("只有劳资专管员(--role wage_manager)按项目授权,其他角色不用 --project。")
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

    def _wage_manager(self, username, password, *, name, projects, unit, phone):
        """A 劳资专管员 belongs to no unit: the account is limited to the projects it is named on."""
        if unit:
            raise CommandError("劳资专管员不属于承办单位,不要指定 --unit;用 --project 指定所管理的项目。")
        if not projects:
            raise CommandError("劳资专管员必须指定所管理的项目:--project 项目编号(可重复)。")
        assign = assigner_for(Role.WAGE_MANAGER)
        if assign is None:
            raise CommandError("项目库未加载,无法为劳资专管员指定项目。")
        user = User.objects.filter(username=username).first() or User(username=username)
        if user.pk and not user.has_role(Role.WAGE_MANAGER) and user.role_codes:
            raise CommandError(f"账号 {username} 已是工作人员账号,不能改为劳资专管员。")
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("密码不符合要求:" + ";".join(exc.messages)) from exc
        try:
            with transaction.atomic():
                created = user.pk is None
                user.unit = None
                user.is_staff = False
                if name:
                    user.last_name, user.first_name = name[:1], name[1:]
                if phone:
                    user.phone = normalize_mobile(phone)
                user.set_password(password)
                user.save()
                staff_set_role(user, Role.WAGE_MANAGER)
                found = assign(user, projects)
        except ValidationError as exc:
            raise CommandError("手机号码:" + ";".join(exc.messages)) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        verb = "已创建" if created else "已更新"
        names = "、".join(f"{p.code}({p.name})" for p in found)
        self.stdout.write(self.style.SUCCESS(f"{verb}账号 {username}:角色 劳资专管员,管理项目 {names}。"))
