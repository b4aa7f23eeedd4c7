from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.identity import mask_mobile

from . import services
from .models import OutboxMessage


class NeedsAttentionFilter(admin.SimpleListFilter):
    """Failed rows, and pending rows that already failed at least once."""

    title = _("投递情况")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("failed", _("发送失败")), ("retrying", _("重试中")), ("any", _("需关注(失败或重试中)"))]

    def queryset(self, request, queryset):
        failed = OutboxMessage.State.FAILED
        retrying = {"state": OutboxMessage.State.PENDING, "attempts__gt": 0}
        if self.value() == "failed":
            return queryset.filter(state=failed)
        if self.value() == "retrying":
            return queryset.filter(**retrying)
        if self.value() == "any":
            return queryset.filter(state=failed) | queryset.filter(**retrying)
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "state", "shown_recipient", "user", "subject", "attempts",
                    "next_attempt_at", "sent_at", "short_error")
    list_filter = (NeedsAttentionFilter, "state", "channel")
    search_fields = ("subject", "dedupe_key", "user__username", "about_label")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    actions = ["resend"]
    fields = ("channel", "state", "shown_recipient", "user", "about_label", "subject", "body", "url", "dedupe_key",
              "attempts", "next_attempt_at", "last_error", "created_at", "sent_at", "read_at")
    readonly_fields = fields

    @admin.display(description=_("接收方"))
    def shown_recipient(self, obj):
        # Complainants' mobile numbers are personal data: masked here too.
        if obj.channel == OutboxMessage.Channel.SMS:
            return mask_mobile(obj.recipient)
        return obj.recipient

    @admin.display(description=_("最近错误"))
    def short_error(self, obj):
        return obj.last_error[:80]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("重新发送"), permissions=["change"])
    def resend(self, request, queryset):
        count = services.retry_failed(queryset)
        skipped = queryset.count() - count
        self.message_user(request, gettext("已将%(n)s条发送失败的消息重新排队。") % {"n": count},
                          messages.SUCCESS if count else messages.WARNING)
        if skipped:
            self.message_user(request, gettext("%(n)s条消息不是“发送失败”状态,未作改动。") % {"n": skipped},
                              messages.INFO)
