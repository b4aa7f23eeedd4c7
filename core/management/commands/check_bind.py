"""Before `make run` starts its three processes: is the web address free? Said plainly, with a way out."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core.serving import DEFAULT_BIND, free_port_after, parse_bind, port_in_use


class Command(BaseCommand):
    help = _("检查 make run 的网页服务地址(WEB_BIND,即 HOST:PORT)是否空闲;被占用时说明原因并给出可用端口。")
    requires_system_checks = []

    def handle(self, *args, **options):
        bind = settings.WEB_BIND
        try:
            host, port = parse_bind(bind)
        except ValueError:
            self.stderr.write(_("服务地址“%(bind)s”无效,应为“主机:端口”,例如 %(default)s。")
                              % {"bind": bind, "default": DEFAULT_BIND})
            sys.exit(2)
        try:
            busy = port_in_use(host, port)
        except OSError as exc:
            self.stderr.write(_("无法在 %(bind)s 上提供服务:%(reason)s。请换一个地址,例如 make run HOST=127.0.0.1 "
                                "PORT=8001。") % {"bind": bind, "reason": exc.strerror or exc})
            sys.exit(2)
        if not busy:
            return
        free = free_port_after(host, port)
        host_part = "" if host == parse_bind(DEFAULT_BIND)[0] else f"HOST={host} "
        self.stderr.write(self.style.ERROR(
            _("端口 %(port)s 已被占用:%(bind)s 上已经有程序在监听(也许是另一个 make run 还在运行)。")
            % {"port": port, "bind": bind}))
        if free:
            self.stderr.write(_("请先停止那个程序,或换一个端口:make run %(host)sPORT=%(free)s")
                              % {"host": host_part, "free": free})
        else:
            self.stderr.write(_("请先停止那个程序,或用 make run PORT=… 换一个空闲端口。"))
        sys.exit(1)
