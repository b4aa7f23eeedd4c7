"""Admin of the early warnings: the rules (level, parameters checked per rule, on/off — saved through the same
service as the API, so every project is evaluated again), the handling time limits per level, and the record of
warnings and evaluations (read-only: warnings are handled on their page)."""

import json

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from core.admin import ReadOnlyAdmin
from core.api import ApplicationError

from . import services
from .models import EvaluationRun, HandlingPolicy, Rule, WageWarning
from .rules import CATALOGUE, ParameterError, validate_parameters


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ["level", "parameters", "is_active"]

    def clean_parameters(self):
        value = self.cleaned_data["parameters"]
        spec = CATALOGUE.get(self.instance.code)
        if spec is None:
            return value
        try:
            return validate_parameters(spec, value, self.instance.parameters)
        except ParameterError as exc:
            problems = exc.args[0]
            raise forms.ValidationError([f"{name}:{message}" if name else message
                                         for name, message in problems.items()]) from None


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    form = RuleForm
    list_display = ("code", "name", "level", "parameters_text", "is_active", "updated_at", "updated_by")
    list_filter = ("level", "is_active")
    readonly_fields = ("code", "name", "description", "updated_at", "updated_by")
    fields = ("code", "name", "description", "level", "parameters", "is_active", "updated_at", "updated_by")

    def has_add_permission(self, request):
        return False  # the evaluation knows a fixed set of codes

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("参数"))
    def parameters_text(self, rule):
        return json.dumps(rule.parameters, ensure_ascii=False)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            services.rule_update(rule=obj, by=request.user, parameters=data["parameters"],
                                 is_active=data["is_active"], level=data["level"])
        except ApplicationError as exc:  # pragma: no cover - the form checked the same things first
            self.message_user(request, exc.message, level="error")


@admin.register(HandlingPolicy)
class HandlingPolicyAdmin(admin.ModelAdmin):
    list_display = ("level", "working_days", "updated_at")
    list_editable = ("working_days",)

    def has_add_permission(self, request):
        return False  # one row per level, loaded with the rules

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WageWarning)
class WageWarningAdmin(ReadOnlyAdmin):
    list_display = ("project", "rule", "level", "period", "state", "opened_at", "closed_at", "assigned_unit",
                    "handling_deadline", "responded_at")
    list_filter = ("state", "level", "rule", "assigned_unit")
    search_fields = ("project__code", "project__name")
    list_select_related = ("project", "rule", "assigned_unit")


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "scope", "seconds", "projects", "opened", "reopened", "updated", "closed")
    list_filter = ("scope",)
