from django import forms
from django.utils.translation import gettext_lazy as _


class SchoolCreateForm(forms.Form):
    name = forms.CharField(label=_("School name"), max_length=200)
    slug = forms.CharField(label=_("Web address"), max_length=40,
                           help_text=_("Lower-case letters, digits and single hyphens, starting with a letter."))
    admin_email = forms.EmailField(label=_("School admin's email"))
    admin_password = forms.CharField(label=_("School admin's first password"), widget=forms.PasswordInput,
                                     min_length=10)


class SchoolFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    plan = forms.ChoiceField(label=_("Plan"), required=False)

    def __init__(self, *args, plans=(), **kwargs):
        from apps.platform.models import Tenant

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *Tenant.Status.choices]
        self.fields["plan"].choices = [("", _("Any plan")), *((plan.code, plan.name) for plan in plans)]


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             help_text=_("Recorded in the audit log. The school's people see only that the account is suspended."))


class PlanForm(forms.Form):
    plan = forms.ChoiceField(label=_("Plan"))

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(plan.code, plan.name) for plan in plans]


LIMIT_LABELS = {"students": _("Students"), "staff": _("Staff members"), "sms_per_month": _("SMS per month"),
                "storage_mb": _("Storage (MB)")}


class SchoolLimitsForm(forms.Form):
    """A school's own limits (empty: the plan's) and which modules it has."""

    def __init__(self, *args, school, **kwargs):
        from apps.platform import limits
        from apps.platform.modules import MODULES

        super().__init__(*args, **kwargs)
        self.school = school
        for key, limit in limits.LIMITS.items():
            plan_value = limits.plan_value(school, key)
            self.fields[f"limit_{key}"] = forms.IntegerField(
                label=LIMIT_LABELS[key],
                required=False, min_value=0, max_value=2_000_000_000,
                initial=getattr(school, limit.school_field),
                help_text=(_("Empty: the plan's %(value)s.") % {"value": plan_value} if plan_value is not None
                           else _("Empty: no limit.")))
        self.fields["modules"] = forms.MultipleChoiceField(
            label=_("Modules switched on"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(key, module.label) for key, module in MODULES.items()],
            initial=[key for key in MODULES if school.module_enabled(key)])

    def limit_fields(self):
        return [self[name] for name in self.fields if name.startswith("limit_")]

    def cleaned_limits(self) -> dict:
        from apps.platform.limits import LIMITS

        return {key: self.cleaned_data[f"limit_{key}"] for key in LIMITS}

    def cleaned_disabled_modules(self) -> list[str]:
        from apps.platform.modules import MODULES

        on = set(self.cleaned_data["modules"])
        return [key for key in MODULES if key not in on]
