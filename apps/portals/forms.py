"""Filter forms of the portals' lists."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TeacherStudentFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label=_("Search"))
    stream = forms.TypedChoiceField(required=False, label=_("Stream"), coerce=int, empty_value=None)

    def __init__(self, *args, streams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.streams = {stream.id: stream for stream in streams}
        self.fields["stream"].choices = [("", _("All my classes")),
                                         *((stream.id, stream.full_name) for stream in streams)]

    def clean_stream(self):
        value = self.cleaned_data.get("stream")
        return self.streams.get(value) if value else None
