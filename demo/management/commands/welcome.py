"""The start-up banner of `make run`: where a worker files a clue, a project's QR link, the staff logins —
every URL at the address actually served (SITE_BASE_URL, derived from WEB_BIND unless set)."""

import io
import os
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from accounts.models import User
from core.serving import LOOPBACK_HOSTS
from demo.seed import DEMO_USERS
from projects.models import Project
from projects.qr import qr_url

from .seed_demo import DEFAULT_DEMO_PASSWORD


def _row(label, url, note=""):
    # Chinese characters are two columns wide in a terminal: pad labels to the same visual width.
    width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in label)
    return f"  {label}{' ' * max(1, 16 - width)}{url}{'  ' + note if note else ''}"


class Command(BaseCommand):
    help = "打印 make run 的启动信息:劳动者页面、项目二维码链接、演示账号和管理入口。"

    def add_arguments(self, parser):
        parser.add_argument("--no-qr", action="store_true", help="不在终端画项目二维码")

    def handle(self, *args, no_qr=False, **options):
        base = settings.SITE_BASE_URL
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        project = (Project.objects.exclude(status__in=[Project.Status.COMPLETED, Project.Status.WAGES_SETTLED])
                   .order_by("code").first())
        lines = [
            "",
            self.style.SUCCESS(f"乌兰·薪 演示已就绪:{base}/"),
            "",
            "劳动者(无需账号,用手机打开):",
            _row("首页", f"{base}{reverse('home')}"),
            _row("反映欠薪", f"{base}{reverse('public:report')}"),
            _row("查询进度", f"{base}{reverse('public:track')}"),
        ]
        if project is not None:
            lines.append(_row("项目二维码链接", qr_url(project), f"({project.name})"))
        lines += ["", f"工作人员(演示密码均为 {password}):", _row("登录", f"{base}{reverse('login')}")]
        users = {u.username: u for u in User.objects.select_related("unit").filter(
            username__in=[username for username, *_rest in DEMO_USERS])}
        for username, role, _unit, _name in DEMO_USERS:
            user = users.get(username)
            if user is not None:
                unit = f" · {user.unit.name}" if user.unit else ""
                lines.append(f"    {username:<16} {role.label}  {user.display_name}{unit}")
        lines.append("    其他承办单位各有一名承办员:officer_ 加旗县市区拼音或部门代码,"
                     "如 officer_fengzhen、officer_transport")
        lines += [
            _row("统计报表", f"{base}{reverse('reports:board')}?period=recent", "(supervisor,近三个月)"),
            _row("管理后台", f"{base}{reverse('admin:index')}", "(admin)"),
            _row("接口文档", f"{base}{reverse('swagger-ui')}", "(admin)"),
            _row("健康检查", f"{base}{reverse('healthz')}"),
        ]
        self.stdout.write("\n".join(lines))
        if urlsplit(base).hostname in LOOPBACK_HOSTS:
            self.stdout.write("\n用手机试用二维码:make run HOST=0.0.0.0(同一局域网;详见 README“在手机上试用”)。")
        elif project is not None and not no_qr:
            self.stdout.write(f"\n用同一局域网的手机扫码,打开“{project.name}”的反映页面:")
            drawing = io.StringIO()
            segno.make(qr_url(project), error="m").terminal(out=drawing, compact=True)
            self.stdout.write(drawing.getvalue())
        self.stdout.write("\n网页、worker 和 beat 在下面启动;Ctrl-C 全部停止。\n")
