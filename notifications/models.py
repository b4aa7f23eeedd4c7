"""The outbox: every message (SMS to a worker, in-app notice or e-mail to staff) is a row written in the same
transaction as the change that caused it, then delivered by a Celery task with retries."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.identity import mask_mobile


class OutboxQuerySet(models.QuerySet):
    def about(self, obj):
        """The messages about `obj` (a clue, a project, a warning …)."""
        return self.filter(about_type=ContentType.objects.get_for_model(obj), about_id=obj.pk)


class OutboxMessage(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        INAPP = "inapp", _("站内通知")
        EMAIL = "email", _("电子邮件")

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("接收方"), max_length=200, blank=True,
                                 help_text=_("手机号或邮箱;站内通知为空"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="outbox_messages")
    # What the message is about, whatever app it belongs to (the outbox sits below them all).
    about_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    about_label = models.CharField(_("涉及"), max_length=60, blank=True, help_text=_("如线索查询码"))
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # Makes "send once" hold when the same cause is processed twice (e.g. a sweep re-run).
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知消息")
        verbose_name_plural = _("通知消息")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due",
                         condition=models.Q(state="pending")),
            models.Index(fields=["user", "channel", "read_at"], name="outbox_user_inbox"),
            models.Index(fields=["about_type", "about_id"], name="outbox_about"),
        ]

    def __str__(self):

        recipient = mask_mobile(self.recipient) if self.channel == self.Channel.SMS else self.recipient
        return f"{self.get_channel_display()} → {recipient or self.user}"
