"""Admin of 统一督办: ladder rules and deadlines (editable), letter wording (editable), and the record of
steps, letters and referral packages (read-only, with 重新发送 for packages)."""

from django import forms
from django.contrib import admin, messages
from django.template import Template, TemplateSyntaxError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clues.models import DEADLINE_KINDS
from core.admin import ReadOnlyAdmin
from core.api import ApplicationError

from . import referrals
from .models import EscalationRule, EscalationStep, Letter, LetterTemplate, ReferralPackage


class EscalationRuleForm(forms.ModelForm):
    class Meta:
        model = EscalationRule
        fields = ["step", "offset_working_days", "deadline_kinds", "is_active"]

    def clean_offset_working_days(self):
        value = self.cleaned_data["offset_working_days"]
        if value is not None and not -10 <= value <= 60:
            raise forms.ValidationError(_("工作日数应在 -10 到 60 之间。"))
        return value

    def clean_deadline_kinds(self):
        known = dict(DEADLINE_KINDS)
        kinds = [k.strip() for k in self.cleaned_data["deadline_kinds"].split(",") if k.strip()]
        unknown = [k for k in kinds if k not in known]
        if unknown:
            raise forms.ValidationError(_("不认识的期限:%(kinds)s。可用:%(known)s") % {
                "kinds": "、".join(unknown), "known": ", ".join(known)})
        if not kinds:
            raise forms.ValidationError(_("请至少填写一种期限。"))
        return ",".join(dict.fromkeys(kinds))


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    form = EscalationRuleForm
    list_display = ("step", "offset_working_days", "deadline_kinds", "is_active", "updated_at")
    list_editable = ("offset_working_days", "deadline_kinds", "is_active")
    ordering = ("offset_working_days",)

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", EscalationRuleForm)
        return super().get_changelist_form(request, **kwargs)


@admin.register(EscalationStep)
class EscalationStepAdmin(ReadOnlyAdmin):
    list_display = ("clue", "deadline_kind", "deadline_at", "step", "due_at", "unit", "state", "taken_at",
                    "letter")
    list_filter = ("state", "step", "deadline_kind", "unit")
    search_fields = ("clue__tracking_code",)
    list_select_related = ("clue", "unit", "letter")
    date_hierarchy = "due_at"


def _download_links(letter):
    pdf = reverse("supervision:letter_download", args=[letter.pk, "pdf"])
    docx = reverse("supervision:letter_download", args=[letter.pk, "docx"])
    return format_html('<a href="{}">PDF</a> · <a href="{}">DOCX</a>', pdf, docx)


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "unit", "title", "issued_at", "downloads")
    list_filter = ("kind", "year", "unit")
    search_fields = ("number", "title", "clues__tracking_code")
    list_select_related = ("unit",)
    date_hierarchy = "issued_at"
    fields = ("number", "kind", "year", "sequence", "unit", "title", "body", "issued_at", "issued_by",
              "clue_codes", "downloads")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("下载"))
    def downloads(self, obj):
        return _download_links(obj)

    @admin.display(description=gettext_lazy("涉及线索"))
    def clue_codes(self, obj):
        return "、".join(obj.clues.order_by("tracking_code").values_list("tracking_code", flat=True))


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["kind", "number_prefix", "title", "body"]

    def _check(self, name):
        value = self.cleaned_data[name]
        try:
            Template(value)
        except TemplateSyntaxError as exc:
            raise forms.ValidationError(_("模板语法有误:%(error)s") % {"error": exc}) from None
        return value

    def clean_title(self):
        return self._check("title")

    def clean_body(self):
        return self._check("body")

    def clean_number_prefix(self):
        value = self.cleaned_data["number_prefix"].strip()
        if not value or any(ch in value for ch in "〔〕[]号"):
            raise forms.ValidationError(_("文号前缀只填机关代字,例如“乌薪督”。"))
        return value


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    form = LetterTemplateForm
    list_display = ("kind", "number_prefix", "title", "updated_at")


@admin.register(ReferralPackage)
class ReferralPackageAdmin(ReadOnlyAdmin):
    list_display = ("letter", "unit", "state", "attempts", "next_attempt_at", "response_status",
                    "delivered_at", "short_error")
    list_filter = ("state", "unit")
    search_fields = ("letter__number",)
    list_select_related = ("letter", "unit")
    actions = ["resend"]
    fields = ("letter", "unit", "state", "attempts", "next_attempt_at", "response_status", "delivered_at",
              "last_error", "created_at", "xlsx_link", "payload")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("最近错误"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.display(description=gettext_lazy("问题清单(XLSX)"))
    def xlsx_link(self, obj):
        if not obj.xlsx:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("supervision:referral_xlsx", args=[obj.pk]),
                           _("下载"))

    def has_resend_permission(self, request):
        return request.user.has_perm("dispatch.view_referralpackage")

    @admin.action(description=gettext_lazy("重新发送"), permissions=["resend"])
    def resend(self, request, queryset):
        delivered = failed = 0
        for package in queryset.select_related("letter"):
            try:
                package = referrals.referral_resend(package)
            except ApplicationError:
                continue
            if package.state == ReferralPackage.State.DELIVERED:
                delivered += 1
            else:
                failed += 1
        if delivered:
            self.message_user(request, _("%(n)d 个移交包已送达。") % {"n": delivered}, messages.SUCCESS)
        if failed:
            self.message_user(request, _("%(n)d 个移交包发送未成功,将按计划重试。") % {"n": failed},
                              messages.WARNING)
        if not delivered and not failed:
            self.message_user(request, _("所选移交包均已送达,无需重新发送。"), messages.INFO)


