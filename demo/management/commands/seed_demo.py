"""Load the demo data set (for `make run`); `manage.py welcome` then prints where everything is."""

import os

from django.core.management.base import BaseCommand

from demo.seed import seed_demo

DEFAULT_DEMO_PASSWORD = "ulanxin-demo-2026"


class Command(BaseCommand):
    help = "载入演示数据(每个角色一个账号、若干项目和线索)。密码取自 DEMO_PASSWORD。"

    def handle(self, *args, **options):
        seed_demo(os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD))
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
