"""Admin screens of the intake side. A clue's status and deadlines are never edited here: they move only
through clues.lifecycle; the admin may correct what was reported, which re-runs triage."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from core.identity import mask_mobile, mask_resident_id

from .models import Attachment, Clue, DeadlinePolicy, DuplicateCandidate, PersonalDataView, TriageSettings
from .services import REPORTED_FIELDS, clue_correct


@admin.register(TriageSettings)
class TriageSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "red_amount", "red_workers", "orange_amount", "orange_workers",
                    "duplicate_window_days", "repeat_window_days", "updated_at")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request):
        # One row of rules: add it only if it does not exist yet.
        return super().has_add_permission(request) and not TriageSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    # The file itself is not linked: attachments hold personal data and /media/ is not served.
    fields = ("original_name", "content_type", "size", "sha256", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DuplicateCandidateInline(admin.TabularInline):
    model = DuplicateCandidate
    fk_name = "clue"
    fields = ("match", "kind", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Written only by clues.lifecycle (status, routing, deadlines, result) or by intake and triage.
LIFECYCLE_FIELDS = (
    "tracking_code", "channel", "status", "received_at", "created_at", "created_by", "external_id",
    "unit", "assigned_at", "claimed_at", "first_contact_at", "returned_at", "resolved_at", "closed_at",
    "claim_deadline", "response_deadline", "close_deadline", "retransfer_deadline", "next_deadline_at",
    "is_overdue", "result", "amount_recovered", "workers_paid", "resolution_note", "merged_into",
    "followup_satisfied", "followup_note", "followup_at", "consent_at",
    "risk_color", "risk_reasons", "suggested_district", "suggested_department", "is_repeat_visitor",
)


@admin.register(Clue)
class ClueAdmin(admin.ModelAdmin):
    list_display = ("tracking_code", "status", "risk_color", "channel", "unit", "received_at", "is_overdue",
                    "employer_name")
    list_filter = ("status", "risk_color", "channel", "is_overdue", "is_repeat_visitor",
                   ("unit", admin.RelatedOnlyFieldListFilter), "received_at")
    search_fields = ("=tracking_code", "employer_name", "=employer_credit_code", "=external_id")
    list_select_related = ("unit",)
    date_hierarchy = "received_at"
    raw_id_fields = ("project",)
    inlines = [AttachmentInline, DuplicateCandidateInline]
    readonly_fields = (*LIFECYCLE_FIELDS, "masked_phone", "masked_id_number")
    fieldsets = (
        (_("反映内容(可更正,保存后重新研判)"), {"fields": REPORTED_FIELDS}),
        (_("反映人"), {"fields": ("masked_phone", "masked_id_number")}),
        (_("研判"), {"fields": ("risk_color", "risk_reasons", "suggested_district", "suggested_department",
                              "is_repeat_visitor")}),
        (_("办理(由流程变更,此处只读)"), {"fields": tuple(
            f for f in LIFECYCLE_FIELDS if f not in ("risk_color", "risk_reasons", "suggested_district",
                                                     "suggested_department", "is_repeat_visitor"))}),
    )

    @admin.display(description=_("反映人手机号"))
    def masked_phone(self, obj):
        return mask_mobile(obj.complainant_phone)

    @admin.display(description=_("反映人身份证号"))
    def masked_id_number(self, obj):
        return mask_resident_id(obj.complainant_id_number)

    def has_add_permission(self, request):
        # Clues enter through clue_create (tracking code, triage, the received event, the SMS).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Only what the form changed, through the service: one transaction, triage again, an event.
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in REPORTED_FIELDS}
        if changes:
            clue_correct(clue=obj, by=request.user, changes=changes)


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnlyAdmin):
    list_display = ("viewed_at", "user", "clue", "fields", "via")
    list_filter = ("via", "viewed_at")
    search_fields = ("=clue__tracking_code", "user__username")
    list_select_related = ("user", "clue")
    date_hierarchy = "viewed_at"


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ("risk_color", "claim_days", "response_days", "close_days", "retransfer_hours",
                    "updated_at")
    list_editable = ("claim_days", "response_days", "close_days", "retransfer_hours")
    ordering = ("risk_color",)
