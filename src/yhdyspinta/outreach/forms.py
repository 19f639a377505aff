from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.forms import AreaModelForm
from yhdyspinta.bodies.models import Body
from yhdyspinta.clock.models import ClockEvent, EventKind
from yhdyspinta.core.files import detect
from yhdyspinta.core.markup import editor_attrs
from yhdyspinta.meetings.forms import DateTimeInput
from yhdyspinta.meetings.models import Meeting
from yhdyspinta.parties.models import NamedRoleKind, OrganisationKind

from .audiences import Audience
from .models import Attendance, Forum, Letter, LetterImage, Registration


def _clock_events(form, kind: str) -> None:
    field = form.fields["clock_event"]
    field.queryset = ClockEvent.objects.filter(area=form.area, kind=kind).order_by(
        "year", "month", "title"
    )
    field.label_from_instance = lambda event: f"{event.title} {event.month}/{event.year}"


class LetterForm(AreaModelForm):
    contacts = forms.BooleanField(
        label=_("All contacts of the area's organisations"), required=False
    )
    roles = forms.MultipleChoiceField(
        label=_("Holders of named roles"),
        choices=NamedRoleKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("E.g. every municipality's person responsible for hyte."),
    )
    bodies = forms.ModelMultipleChoiceField(
        label=_("Members of bodies"),
        queryset=Body.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    subscribers = forms.BooleanField(label=_("The letter's public subscribers"), required=False)
    kinds = forms.MultipleChoiceField(
        label=_("Only organisations of these kinds"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Narrows the groups above; empty: every kind."),
    )
    sub_regions = forms.ModelMultipleChoiceField(
        label=_("Only organisations of these sub-regions"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Narrows the groups above; empty: the whole area."),
    )

    class Meta:
        model = Letter
        fields = ["title", "text", "publish", "clock_event"]
        widgets = {"text": forms.Textarea(attrs={"rows": 16})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bodies"].queryset = Body.objects.filter(area=self.area).order_by("name")
        self.fields["sub_regions"].queryset = self.area.sub_regions.order_by("order", "name")
        _clock_events(self, EventKind.LETTER)
        self.fields["text"].help_text = _(
            "Format with the buttons above the text: headings, lists and links. An image: "
            "save the letter, add the image below it and copy its line into the text."
        )
        self.fields["text"].widget.attrs.update(
            editor_attrs(reverse("outreach:preview", kwargs={"area": self.area.slug}))
        )
        audience = Audience.of(self.instance.audience)
        self.initial.update(
            contacts=audience.contacts,
            roles=list(audience.roles),
            bodies=list(audience.bodies),
            subscribers=audience.subscribers,
            kinds=list(audience.kinds),
            sub_regions=list(audience.sub_regions),
        )

    def save(self, commit=True):
        data = self.cleaned_data
        self.instance.audience = Audience(
            contacts=data["contacts"],
            roles=tuple(data["roles"]),
            bodies=tuple(b.pk for b in data["bodies"]),
            subscribers=data["subscribers"],
            kinds=tuple(data["kinds"]),
            sub_regions=tuple(s.pk for s in data["sub_regions"]),
        ).as_data()
        return super().save(commit)


class LetterImageForm(forms.ModelForm):
    class Meta:
        model = LetterImage
        fields = ["file", "alt"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and detect(upload) not in ("png", "jpg"):
            raise forms.ValidationError(_("An image of a letter must be a PNG or JPEG file."))
        return upload


class ForumForm(AreaModelForm):
    class Meta:
        model = Forum
        fields = [
            "title",
            "programme",
            "starts_at",
            "ends_at",
            "place",
            "online",
            "online_link",
            "capacity",
            "registration_deadline",
            "published",
            "clock_event",
            "meeting",
        ]
        widgets = {
            "programme": forms.Textarea(attrs={"rows": 10}),
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "registration_deadline": DateTimeInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _clock_events(self, EventKind.FORUM)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(body__area=self.area)
            .select_related("body")
            .order_by("-starts_at")
        )
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{m.body.name}: {m.title} {m.starts_at:%d.%m.%Y}"
        )
        self.fields["programme"].widget.attrs.update(
            editor_attrs(reverse("outreach:preview", kwargs={"area": self.area.slug}))
        )

    def clean(self):
        data = super().clean()
        deadline, ends = data.get("registration_deadline"), data.get("ends_at")
        if deadline and ends and deadline > ends:
            self.add_error(
                "registration_deadline", _("Registration must close before the event ends.")
            )
        return data


class RegistrationForm(forms.ModelForm):
    class Meta:
        model = Registration
        fields = [
            "name",
            "email",
            "organisation",
            "party_kind",
            "attendance",
            "diet",
            "accessibility",
        ]
        widgets = {"attendance": forms.RadioSelect}

    def __init__(self, *args, forum: Forum, **kwargs):
        super().__init__(*args, **kwargs)
        if not forum.online:
            self.fields["attendance"].choices = [(Attendance.IN_PERSON, Attendance.IN_PERSON.label)]
        elif not forum.place:
            self.fields["attendance"].choices = [(Attendance.REMOTE, Attendance.REMOTE.label)]
            self.fields["attendance"].initial = Attendance.REMOTE
        self.fields["email"].help_text = _("The confirmation and your own link come here.")


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)
    consent = forms.BooleanField(label=_("I agree"), required=True)


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was the event for you?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.RadioSelect,
        help_text=_("1 = not at all, 5 = very useful"),
    )
    text = forms.CharField(
        label=_("What should we keep or change?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
    )
