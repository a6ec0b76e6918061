"""Forms of the notice pages and the outbox filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.academics.models import Stream
from apps.communication.models import Notice, OutboxMessage


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))
    audience = forms.ChoiceField(label=_("For"), choices=Notice.Audience.choices, initial=Notice.Audience.EVERYONE)
    stream = forms.ModelChoiceField(label=_("Stream"), queryset=Stream.objects.none(), required=False,
                                    empty_label=_("The whole school"),
                                    help_text=_("Only the families of one stream (e.g. a parents' meeting)."))
    expires_on = forms.DateField(label=_("Show until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stream"].queryset = Stream.objects.select_related("school_class").order_by(
            "school_class__level", "name")


class NoticeFilterForm(forms.Form):
    state = forms.ChoiceField(required=False, choices=[("", _("All")), ("published", _("Published")),
                                                       ("draft", _("Drafts")), ("expired", _("Expired"))])


class OutboxFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=[("", _("Every kind"))])
    status = forms.ChoiceField(required=False, choices=[("", _("Every status")), *OutboxMessage.Status.choices])

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Every kind")), *((kind, kind) for kind in kinds)]
