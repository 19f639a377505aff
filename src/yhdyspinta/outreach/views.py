"""Pages of the hyte letter and the hyte forum. The public reads the letter archive,
the forums' pages, subscribes and registers; the area's coordinators write, send and
organise. A participant's and a subscriber's own pages are reached by their own link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View, generic
from django.views.decorators.csrf import csrf_exempt
from openpyxl import Workbook

from yhdyspinta.accounts import use_log
from yhdyspinta.areas.models import Area
from yhdyspinta.communications.views import delivery_context, resend
from yhdyspinta.core import paging
from yhdyspinta.core.documents import PDF, file_response
from yhdyspinta.core.exports import workbook_bytes, xlsx_row
from yhdyspinta.core.files import serve
from yhdyspinta.core.markup import render_markdown
from yhdyspinta.web.views import (
    AreaCreateView,
    AreaMixin,
    AreaUpdateView,
    QueuedDocumentMixin,
    confirmed,
)

from . import documents, selectors, services
from .audiences import Audience, describe, resolve
from .forms import (
    FeedbackForm,
    ForumForm,
    LetterForm,
    LetterImageForm,
    RegistrationForm,
    SubscribeForm,
)
from .models import Forum, Letter, Subscriber


class _Manager(AreaMixin):
    def allowed(self) -> bool:
        return services.can_manage(self.access, self.area)


# --- letters ------------------------------------------------------------------------


class Letters(AreaMixin, generic.TemplateView):
    template_name = "outreach/letters.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        manager = services.can_manage(self.access, self.area)
        context.update(
            # The archive is paged: a busy area sends hundreds of letters over the years.
            paging.page_of(self.request, selectors.letters_for(self.area, manager=manager)),
            forums=selectors.forums_for(self.area, manager=manager)[:6],
            manager=manager,
        )
        return context


class ContactGaps(AreaMixin, generic.TemplateView):
    """Who the area cannot reach by e-mail: for the rounds' requests and for each named
    role its letters use, every organisation without an address, to be mended."""

    template_name = "outreach/contact_gaps.html"
    private = True

    def allowed(self) -> bool:
        return services.can_manage(self.access, self.area)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["gaps"] = selectors.contact_gaps(self.area)
        return context


class LetterCreate(AreaCreateView):
    model = Letter
    form_class = LetterForm

    def get_page_title(self) -> str:
        return _("New hyte letter")

    def save(self, form):
        return services.letter_save(access=self.access, letter=form.save(commit=False))


class LetterEdit(AreaUpdateView):
    model = Letter
    form_class = LetterForm

    def get(self, request, *args, **kwargs):
        return self._sent() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._sent() or super().post(request, *args, **kwargs)

    def _sent(self):
        if self.object.status != Letter.Status.SENT:
            return None
        messages.error(self.request, _("The letter has been sent and can no longer be changed."))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def lock_extra(self, saved):
        return {str(_("Recipients")): saved.audience}

    def save(self, form):
        return services.letter_save(access=self.access, letter=form.save(commit=False))


def _letter(view, pk) -> Letter:
    letter = get_object_or_404(Letter, area=view.area, pk=pk)
    if not letter.is_public and not services.can_manage(view.access, view.area):
        raise Http404
    return letter


class LetterPage(AreaMixin, generic.TemplateView):
    """A letter as its readers got it; for the coordinators also its recipients, the
    test copy, the sending and the delivery report."""

    template_name = "outreach/letter.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        letter = _letter(self, self.kwargs["pk"])
        manager = services.can_manage(self.access, self.area)
        html = render_markdown(letter.text, top=2)  # under the page's h1
        context.update(letter=letter, html=html, manager=manager)
        if manager:
            audience = Audience.of(letter.audience)
            resolved = (
                resolve(self.area, audience) if letter.status == Letter.Status.DRAFT else None
            )
            context.update(
                audience_parts=describe(self.area, audience),
                resolved=resolved,
                images=letter.images.all(),
                image_form=LetterImageForm(),
                **delivery_context(
                    letter,
                    reverse(
                        "outreach:letter_resend", kwargs={"area": self.area.slug, "pk": letter.pk}
                    ),
                ),
            )
        return context


class LetterRecipients(_Manager, generic.TemplateView):
    """Everyone the letter would reach (or reached), before it is sent."""

    template_name = "outreach/letter_recipients.html"
    logs_people = "view"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        letter = get_object_or_404(Letter, area=self.area, pk=self.kwargs["pk"])
        self.object = letter
        context.update(
            letter=letter,
            resolved=resolve(self.area, Audience.of(letter.audience)),
            audience_parts=describe(self.area, Audience.of(letter.audience)),
        )
        return context


class LetterTest(_Manager, View):
    def post(self, request, *args, **kwargs):
        letter = get_object_or_404(Letter, area=self.area, pk=kwargs["pk"])
        try:
            message = services.letter_test(access=self.access, user=request.user, letter=letter)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("A test copy is on its way to %(email)s.") % {"email": message.recipient}
            )
        return HttpResponseRedirect(letter.get_absolute_url())


class LetterSend(_Manager, View):
    def post(self, request, *args, **kwargs):
        letter = get_object_or_404(Letter, area=self.area, pk=kwargs["pk"])
        resolved = resolve(self.area, Audience.of(letter.audience))
        ask = confirmed(
            request,
            context=self.area_context(),
            title=_("Send the letter: %(title)s") % {"title": letter.title},
            lines=[
                ngettext(
                    "The letter goes to %(count)s address, one message each.",
                    "The letter goes to %(count)s addresses, one message each.",
                    resolved.count,
                )
                % {"count": resolved.count},
                _("A sent letter cannot be changed or sent again."),
            ],
            items=describe(self.area, Audience.of(letter.audience)),
            button=_("Send the letter"),
            back_url=letter.get_absolute_url(),
        )
        if ask:
            return ask
        try:
            count = services.letter_send(access=self.access, user=request.user, letter=letter)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "The letter is on its way to %(count)s recipient.",
                    "The letter is on its way to %(count)s recipients.",
                    count,
                )
                % {"count": count},
            )
        return HttpResponseRedirect(letter.get_absolute_url())


class LetterResend(_Manager, View):
    def post(self, request, *args, **kwargs):
        letter = get_object_or_404(Letter, area=self.area, pk=kwargs["pk"])
        resend(request, letter)
        return HttpResponseRedirect(letter.get_absolute_url())


class LetterImageAdd(_Manager, View):
    def post(self, request, *args, **kwargs):
        letter = get_object_or_404(Letter, area=self.area, pk=kwargs["pk"])
        if letter.status == Letter.Status.SENT:
            messages.error(request, _("The letter has been sent and can no longer be changed."))
            return HttpResponseRedirect(letter.get_absolute_url())
        form = LetterImageForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.letter_image_add(
                    access=self.access, letter=letter, image=form.save(commit=False)
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return HttpResponseRedirect(letter.get_absolute_url())
            messages.success(request, _("The image was added. Copy its line into the text."))
        else:
            errors = [e for field in form.errors.values() for e in field]
            messages.error(request, " ".join(errors))
        return HttpResponseRedirect(letter.get_absolute_url() + "#images")


class LetterImage(AreaMixin, View):
    """An image of a letter: public once the letter is sent (it went out by e-mail)."""

    def get(self, request, *args, **kwargs):
        letter = get_object_or_404(Letter, area=self.area, pk=kwargs["pk"])
        if letter.status != Letter.Status.SENT and not services.can_manage(self.access, self.area):
            raise Http404
        image = get_object_or_404(letter.images, pk=kwargs["image"])
        return serve(image.file)


class Preview(_Manager, View):
    """The editor's live preview: the same renderer as the letter (HTML disabled)."""

    def post(self, request, *args, **kwargs):
        return HttpResponse(render_markdown(request.POST.get("text", "")[:100_000]))


# --- subscriptions ------------------------------------------------------------------


# A field no person sees or reaches (templates/outreach/_honeypot.html): a program that
# fills every field fills it, and then nothing is saved or sent, with the same answer.
HONEYPOT = "website"
_TOO_MANY = gettext_lazy(
    "Too many attempts from this connection or for this address in a short time. Try "
    "again in an hour."
)


class Subscribe(AreaMixin, generic.FormView):
    template_name = "outreach/subscribe.html"
    form_class = SubscribeForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["wording"] = services.CONSENT_WORDING
        return context

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not services.public_form_allowed(
            form="subscribe", address=use_log.client_ip(self.request), email=email
        ):
            messages.error(self.request, _TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if not self.request.POST.get(HONEYPOT):  # a form filler that fills every field
            services.subscribe(area=self.area, email=email, name=form.cleaned_data["name"])
        # The same answer whether or not the address was there: nobody learns who
        # subscribes by trying addresses.
        messages.success(
            self.request,
            _(
                "Almost done: we sent a confirmation link to %(email)s. The subscription "
                "starts when you open it."
            )
            % {"email": form.cleaned_data["email"]},
        )
        return HttpResponseRedirect(reverse("outreach:letters", kwargs={"area": self.area.slug}))


class Subscribers(_Manager, generic.TemplateView):
    template_name = "outreach/subscribers.html"
    logs_people = "view"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()
        rows = Subscriber.objects.filter(area=self.area)
        if q:
            rows = rows.filter(email__icontains=q)
        context.update(paging.page_of(self.request, rows.order_by("email", "pk")))
        context.update(
            q=q, subscribers=context["page_rows"], total=context["page_obj"].paginator.count
        )
        return context


class SubscriberPage(_Manager, generic.TemplateView):
    template_name = "outreach/subscriber.html"
    logs_people = "view"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.object = get_object_or_404(Subscriber, area=self.area, pk=self.kwargs["pk"])
        context.update(subscriber=self.object, records=services.subscriber_records(self.object))
        return context

    def post(self, request, *args, **kwargs):
        subscriber = get_object_or_404(Subscriber, area=self.area, pk=kwargs["pk"])
        back = reverse("outreach:subscribers", kwargs={"area": self.area.slug})
        ask = confirmed(
            request,
            context=self.area_context(),
            title=_("Remove the data of %(email)s") % {"email": subscriber.email},
            lines=[
                _(
                    "The address, the name and the messages of the subscription are removed. "
                    "The consent records keep only a code of the address and what was done."
                )
            ],
            button=_("Remove the data"),
            back_url=back,
        )
        if ask:
            return ask
        services.remove_subscriber(
            area=self.area,
            email=subscriber.email,
            via="admin",
            user=request.user,
            access=self.access,
        )
        messages.success(request, _("The subscriber's data was removed."))
        return HttpResponseRedirect(back)


def confirm_subscription(request, token: str):
    subscriber = services.pending_by_token(token)
    problem = services.confirm_problem(subscriber)
    area = subscriber.area if subscriber else None
    if request.method == "POST" and not problem:
        try:
            services.confirm(token=token)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            return render(
                request, "outreach/confirmed.html", {"area_name": area.name, "done": True}
            )
    status = 410 if problem and subscriber else (404 if problem else 200)
    return render(
        request,
        "outreach/confirmed.html",
        {"problem": problem, "area_name": area.name if area else "", "subscriber": subscriber},
        status=status,
    )


@method_decorator(csrf_exempt, name="dispatch")
class Unsubscribe(View):
    """A letter's unsubscribe link. A GET shows the page (mail scanners open links);
    a POST unsubscribes: the page's button, or the mail program's one click (RFC 8058,
    a POST of "List-Unsubscribe=One-Click" without a session, hence no CSRF token:
    the signed link itself is the proof). Removing one's data is a second button."""

    def dispatch(self, request, *args, **kwargs):
        found = services.unsubscribe_address(kwargs["token"])
        if found is None:
            return render(
                request,
                "outreach/unsubscribe.html",
                {"problem": _("This unsubscribe link is not valid.")},
                status=404,
            )
        self.area = get_object_or_404(Area, pk=found[0])
        self.email = found[1]
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra):
        subscriber = Subscriber.objects.filter(area=self.area, email__iexact=self.email).first()
        return {
            "area_name": self.area.name,
            "email": self.email,
            "subscriber": subscriber,
            "records": services.subscriber_records(subscriber) if subscriber else [],
            **extra,
        }

    def get(self, request, *args, **kwargs):
        return render(request, "outreach/unsubscribe.html", self.context())

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "remove":
            services.remove_subscriber(area=self.area, email=self.email, via="link")
            return render(request, "outreach/unsubscribe.html", self.context(removed=True))
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        done = services.unsubscribe(
            area=self.area, email=self.email, via="one-click" if one_click else "link"
        )
        if one_click:
            return HttpResponse(status=200)
        return render(
            request, "outreach/unsubscribe.html", self.context(done=done, already=not done)
        )


# --- forums -------------------------------------------------------------------------


class ForumCreate(AreaCreateView):
    model = Forum
    form_class = ForumForm

    def get_page_title(self) -> str:
        return _("New hyte forum")

    def save(self, form):
        return services.forum_save(access=self.access, forum=form.save(commit=False))


class ForumEdit(AreaUpdateView):
    model = Forum
    form_class = ForumForm

    def save(self, form):
        return services.forum_save(access=self.access, forum=form.save(commit=False))


def _forum(view, pk) -> Forum:
    forum = get_object_or_404(Forum, area=view.area, pk=pk)
    if not forum.published and not services.can_manage(view.access, view.area):
        raise Http404
    return forum


class ForumPage(AreaMixin, generic.TemplateView):
    """The forum's public page: the programme, the place, the places left, and the
    registration form. No participant is named here."""

    template_name = "outreach/forum.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        forum = _forum(self, self.kwargs["pk"])
        taken = services.places_taken(forum)
        context.update(
            forum=forum,
            programme=render_markdown(forum.programme),
            summary=selectors.forum_summary(forum),
            left=None if forum.capacity is None else max(forum.capacity - taken, 0),
            open=services.registration_open(forum),
            form=form or RegistrationForm(forum=forum),
            manager=services.can_manage(self.access, self.area),
        )
        return context

    def post(self, request, *args, **kwargs):
        forum = _forum(self, kwargs["pk"])
        form = RegistrationForm(request.POST, forum=forum)
        if not services.public_form_allowed(
            form=f"forum-{forum.pk}",
            address=use_log.client_ip(request),
            email=request.POST.get("email", ""),
        ):
            messages.error(request, _TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if form.is_valid():
            try:
                with transaction.atomic():
                    if not request.POST.get(HONEYPOT):  # a form filler's: the same answer
                        services.register(forum=forum, data=form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                # One answer whether the address was new or had registered already (it
                # gets its confirmation again): the page does not tell who has
                # registered. The e-mail says whether there is a place.
                messages.success(
                    request,
                    _(
                        "Thank you. The confirmation is on its way to %(email)s: it says "
                        "whether you have a place or are on the waiting list, and has your "
                        "own link to your registration."
                    )
                    % {"email": form.cleaned_data["email"].strip()},
                )
                return HttpResponseRedirect(forum.get_absolute_url())
        messages.error(request, _("Check the fields marked below. Nothing was saved yet."))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ForumCalendar(AreaMixin, View):
    def get(self, request, *args, **kwargs):
        forum = _forum(self, kwargs["pk"])
        response = HttpResponse(services.forum_ics(forum), content_type="text/calendar")
        response["Content-Disposition"] = f'attachment; filename="hyte-foorumi-{forum.pk}.ics"'
        return response


class ForumParticipants(_Manager, generic.TemplateView):
    """The organiser's list: registrations, the waiting list, attendance on the day,
    reminders, the list as XLSX and badges as PDF, and the feedback."""

    template_name = "outreach/participants.html"
    logs_people = "view"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.object = forum = get_object_or_404(Forum, area=self.area, pk=self.kwargs["pk"])
        context.update(
            forum=forum,
            registrations=forum.registrations.order_by("status", "name"),
            summary=selectors.forum_summary(forum),
            feedback=forum.registrations.exclude(feedback="").values_list("rating", "feedback"),
            **delivery_context(
                forum,
                reverse("outreach:forum_resend", kwargs={"area": self.area.slug, "pk": forum.pk}),
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        forum = get_object_or_404(Forum, area=self.area, pk=kwargs["pk"])
        if request.POST.get("action") == "remind":
            count = services.send_reminders(forum=forum)
            if count:
                messages.success(
                    request,
                    ngettext(
                        "A reminder is on its way to %(count)s participant.",
                        "A reminder is on its way to %(count)s participants.",
                        count,
                    )
                    % {"count": count},
                )
            else:
                messages.info(
                    request,
                    _(
                        "No reminders were due: they go once to each registered participant "
                        "in the last two days before the event."
                    ),
                )
        else:
            present = {int(pk) for pk in request.POST.getlist("present") if pk.isdigit()}
            changed = services.record_attendance(access=self.access, forum=forum, present=present)
            messages.success(request, _("Attendance saved: %(n)s changed.") % {"n": changed})
        return HttpResponseRedirect(request.path)


class ForumResend(_Manager, View):
    def post(self, request, *args, **kwargs):
        forum = get_object_or_404(Forum, area=self.area, pk=kwargs["pk"])
        resend(request, forum)
        return HttpResponseRedirect(
            reverse("outreach:participants", kwargs={"area": self.area.slug, "pk": forum.pk})
        )


class ForumWorkbook(_Manager, View):
    def get(self, request, *args, **kwargs):
        forum = get_object_or_404(Forum, area=self.area, pk=kwargs["pk"])
        book = Workbook()
        sheet = book.active
        sheet.title = _("Participants")[:31]
        xlsx_row(
            sheet,
            [
                _("Name"),
                _("E-mail"),
                _("Organisation"),
                _("Kind of organisation"),
                _("Taking part"),
                _("Status"),
                _("Dietary needs"),
                _("Accessibility needs"),
                _("Attended"),
            ],
        )
        for r in forum.registrations.order_by("status", "name"):
            xlsx_row(
                sheet,
                [
                    r.name,
                    r.email,
                    r.organisation,
                    r.get_party_kind_display(),
                    r.get_attendance_display(),
                    r.get_status_display(),
                    r.diet,
                    r.accessibility,
                    {True: _("yes"), False: _("no")}.get(r.attended, ""),
                ],
            )
        use_log.record_people_view(request, self.area, str(forum), export=True)
        return file_response(
            workbook_bytes(book),
            f"osallistujat-{forum.pk}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


class ForumBadges(_Manager, QueuedDocumentMixin, View):
    document_task = documents.badges_file

    def document(self) -> dict:
        forum = get_object_or_404(Forum, area=self.area, pk=self.kwargs["pk"])
        return {
            "params": {"forum": forum.pk},
            "title": _("Name badges: %(forum)s") % {"forum": forum.title},
            "filename": f"nimikyltit-{forum.pk}.pdf",
            "content_type": PDF,
        }


def registration_page(request, token: str):
    """A participant's own page: the registration, the calendar file, cancelling, and
    the feedback form once the event is over."""
    registration = services.registration_from_token(token)
    if registration is None:
        return render(
            request,
            "outreach/registration.html",
            {"problem": _("This link is not valid.")},
            status=404,
        )
    forum = registration.forum
    form = FeedbackForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                services.cancel(registration=registration)
                messages.success(request, _("Your registration has been cancelled."))
            elif action == "feedback":
                form = FeedbackForm(request.POST)
                if form.is_valid():
                    services.give_feedback(
                        registration=registration,
                        rating=form.cleaned_data["rating"],
                        text=form.cleaned_data["text"],
                    )
                    messages.success(request, _("Thank you for your feedback."))
                else:
                    raise ValidationError(_("Choose a rating from 1 to 5."))
            elif action == "calendar":
                response = HttpResponse(
                    services.forum_ics(forum, registration=registration),
                    content_type="text/calendar",
                )
                response["Content-Disposition"] = 'attachment; filename="hyte-foorumi.ics"'
                return response
            else:
                raise PermissionDenied
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return HttpResponseRedirect(request.path)
        registration.refresh_from_db()
    return render(
        request,
        "outreach/registration.html",
        {
            "registration": registration,
            "forum": forum,
            "area_name": forum.area.name,
            "over": forum.ends_at < timezone.now(),
            "form": form,
        },
    )


# --- the area's feed ----------------------------------------------------------------


class AreaFeed(Feed):
    """An Atom feed (RFC 4287) of the area's public news: published minutes, letters
    of the archive and forums. Built with Django's syndication framework."""

    feed_type = Atom1Feed

    def get_object(self, request, area):
        return get_object_or_404(Area, slug=area)

    def title(self, area):
        return _("%(area)s: hyte cooperation news") % {"area": area.name}

    def subtitle(self, area):
        return _("Published minutes, hyte letters and hyte forums.")

    def link(self, area):
        return reverse("outreach:letters", kwargs={"area": area.slug})

    def feed_url(self, area):
        return reverse("outreach:feed", kwargs={"area": area.slug})

    def items(self, area):
        return selectors.news(area)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_guid(self, item):
        return f"{item.kind}:{item.url}"

    def item_pubdate(self, item):
        return item.updated

    def item_updateddate(self, item):
        return item.updated

    def item_categories(self, item):
        return [item.kind]
