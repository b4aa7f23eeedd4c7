"""Pages of a staff member's in-app notices: parse, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .selectors import notices_for, unread_notice_count

PAGE_SIZE = 20


@login_required
def notice_list(request):
    page = Paginator(notices_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/notice_list.html", {
        "page": page, "unread_count": unread_notice_count(request.user)})


@login_required
@require_POST
def notice_mark_all_read(request):
    count = services.mark_all_read(request.user)
    if count:
        messages.success(request, _("已将%(n)s条通知标为已读。") % {"n": count})
    else:
        messages.info(request, _("没有未读通知。"))
    return redirect("notifications:list")


@login_required
@require_POST
def notice_open(request, pk):
    """Mark one of my notices read and go where it points (only within this site)."""
    notice = services.mark_read(request.user, pk)
    if notice is None:
        messages.error(request, _("未找到这条通知。"))
        return redirect("notifications:list")
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()},
                                                      require_https=request.is_secure()):
        return redirect(notice.url)
    return redirect("notifications:list")
