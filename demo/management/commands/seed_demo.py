"""Load the demo data set and print the demo logins (for `make run`)."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.seed import seed_demo


class Command(BaseCommand):
    help = "载入演示数据(每个角色一个账号、若干项目和线索),并打印登录信息。密码取自 DEMO_PASSWORD。"

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD", "ulanxin-demo-2026")
        accounts = seed_demo(password)
        base = settings.SITE_BASE_URL
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
        self.stdout.write(f"  工作人员登录  {base}/login/")
        self.stdout.write(f"  管理后台      {base}/admin/")
        self.stdout.write(f"  接口文档      {base}/api/docs/")
        self.stdout.write(f"  健康检查      {base}/healthz")
        self.stdout.write(f"  演示账号(密码均为 {password}):")
        for username, role, unit in accounts:
            self.stdout.write(f"    {username:<18} {role:<6} {unit}")
