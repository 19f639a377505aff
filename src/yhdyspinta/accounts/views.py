"""Users and roles of an area, invitations, the use log and a person's data report."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View, generic

from yhdyspinta.core import paging
from yhdyspinta.core.documents import DOCX, file_response
from yhdyspinta.core.exports import csv_bytes
from yhdyspinta.parties.models import Person
from yhdyspinta.web.views import (
    AreaMixin,
    add_errors,
    claim_form_key,
    confirmed,
    form_key,
    form_key_done,
)

from . import oidc, person_data, services, use_log
from .forms import AcceptInvitationForm, ApiTokenForm, InvitationForm, OutboxPasswordResetForm
from .models import ApiToken, AreaRole, Invitation, UseLogEntry


class _AdminOnly(AreaMixin):
    private = True

    def allowed(self) -> bool:
        return self.access.is_admin(self.area)


class ApiTokensView(AreaMixin, generic.TemplateView):
    """API tokens: every user of the area issues their own (shown once), sees when each
    was used and revokes it; the administrator sees and may revoke the area's all."""

    template_name = "accounts/api_tokens.html"
    private = True

    def allowed(self) -> bool:
        return bool(self.access.roles_in(self.area)) or self.access.is_admin(self.area)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        is_admin = self.access.is_admin(self.area)
        tokens = ApiToken.objects.filter(area=self.area).select_related("user")
        context["tokens"] = tokens if is_admin else tokens.filter(user=self.request.user)
        context["is_admin"] = is_admin
        context.setdefault("form", ApiTokenForm())
        context["now"] = timezone.now()
        context.setdefault("form_key", form_key(self.request))
        return context

    def post(self, request, *args, **kwargs):
        if revoke := request.POST.get("revoke", ""):
            token = get_object_or_404(
                ApiToken, area=self.area, pk=revoke if revoke.isdigit() else 0
            )
            services.api_token_revoke(access=self.access, token=token, request=request)
            messages.success(request, _("The token was revoked: it no longer works."))
            return HttpResponseRedirect(request.path)
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                # Once per form key: a double click issues one token, not two.
                with transaction.atomic():
                    if repeat := claim_form_key(request):
                        messages.warning(
                            request,
                            _(
                                "One token was issued, by the first click, and its key was "
                                "shown only then. If you did not copy it, revoke it and "
                                "issue a new one."
                            ),
                        )
                        return repeat
                    raw = services.api_token_issue(
                        access=self.access, area=self.area, request=request, **form.cleaned_data
                    )
                    form_key_done(request, request.path)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self.render_to_response(
                    self.get_context_data(
                        new_token=raw, form=ApiTokenForm(), form_key=uuid.uuid4().hex
                    )
                )
        messages.error(request, _("Check the fields marked below. Nothing was saved yet."))
        return self.render_to_response(self.get_context_data(form=form))


class UsersView(_AdminOnly, generic.TemplateView):
    """Käyttäjät ja roolit: who has which role, open invitations, and a new invitation."""

    template_name = "accounts/users.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["roles"] = (
            AreaRole.objects.filter(area=self.area)
            .select_related("user", "body", "organisation")
            .order_by("user__last_name", "user__username", "role")
        )
        context["invitations"] = Invitation.objects.filter(
            area=self.area, used_at__isnull=True, expires_at__gte=timezone.now()
        ).select_related("body", "organisation")
        context.setdefault("form", InvitationForm(area=self.area))
        context["locked_out"] = services.locked_out(self.area)
        return context

    def post(self, request, *args, **kwargs):
        if username := request.POST.get("unlock", ""):
            try:
                services.lockout_lift(
                    access=self.access, request=request, area=self.area, username=username
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("%(user)s can log in again.") % {"user": username})
            return HttpResponseRedirect(request.path)
        form = InvitationForm(request.POST, area=self.area)
        if form.is_valid():
            try:
                services.invitation_send(
                    access=self.access, request=request, area=self.area, **form.cleaned_data
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The invitation was sent to %(email)s. The link is valid for %(days)s days.")
                    % {
                        "email": form.cleaned_data["email"],
                        "days": services.settings.INVITATION_DAYS,
                    },
                )
                return HttpResponseRedirect(request.path)
        messages.error(request, _("Check the fields marked below. Nothing was saved yet."))
        return self.render_to_response(self.get_context_data(form=form))


class RoleRemove(_AdminOnly, View):
    def post(self, request, *args, **kwargs):
        area_role = get_object_or_404(AreaRole, area=self.area, pk=kwargs["pk"])
        try:
            services.role_remove(access=self.access, request=request, area_role=area_role)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The role was removed: %(role)s") % {"role": area_role})
        return HttpResponseRedirect(reverse("accounts:users", kwargs={"area": self.area.slug}))


class UseLogView(_AdminOnly, generic.TemplateView):
    """The area's use log, newest first; `?format=csv` exports it."""

    template_name = "accounts/use_log.html"
    page_size = 200

    def entries(self):
        """The area's entries, and the logins, failed logins and lockouts (which belong
        to no area) of the user names that have a role in it."""
        names = AreaRole.objects.filter(area=self.area).values("user__username")
        entries = UseLogEntry.objects.filter(
            Q(area=self.area) | Q(area__isnull=True, username__in=names)
        )
        if action := self.request.GET.get("action"):
            entries = entries.filter(action=action)
        if who := self.request.GET.get("user", "").strip():
            entries = entries.filter(username__icontains=who)
        return entries

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            use_log.record_people_view(request, self.area, _("Use log"), export=True)
            content = csv_bytes(
                [
                    _("When"),
                    _("User"),
                    _("What"),
                    pgettext("use log", "Target"),
                    _("Address"),
                    "IP",
                ],
                (
                    [e.at, e.username, e.get_action_display(), e.target, e.path, e.ip_address]
                    for e in self.entries().iterator()
                ),
            )
            return file_response(
                content,
                f"kayttoloki-{self.area.slug}.csv",
                "text/csv; charset=utf-8",
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.entries().select_related("user").order_by("-at", "-pk")
        context.update(paging.page_of(self.request, rows, per_page=self.page_size))
        context["entries"] = context["page_rows"]
        context["actions"] = UseLogEntry.Action.choices
        context["retention_days"] = settings.USE_LOG_RETENTION_DAYS
        return context


class PersonDataReport(_AdminOnly, generic.TemplateView):
    """Every row that names a person: for a GDPR access request (page and DOCX)."""

    template_name = "accounts/person_data.html"

    def dispatch(self, request, *args, **kwargs):
        self.person = get_object_or_404(
            Person.objects.select_related("organisation", "user"),
            area__slug=kwargs["area"],
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        report = person_data.collect(self.person)
        export = kwargs.get("fmt") == "docx"
        use_log.record_people_view(
            request,
            self.area,
            _("Data report: %(person)s") % {"person": self.person},
            export=export,
        )
        if export:
            return file_response(
                person_data.as_docx(report), f"tietoraportti-{self.person.pk}.docx", DOCX
            )
        return self.render_to_response(self.get_context_data(report=report))


class PersonErase(_AdminOnly, generic.View):
    """Erase a person's data on request (GDPR art. 17) as far as the law allows, after
    a page that says what goes and what stays."""

    def post(self, request, *args, **kwargs):
        person = get_object_or_404(Person, area=self.area, pk=kwargs["pk"])
        back = reverse("accounts:person_data", kwargs={"area": self.area.slug, "pk": person.pk})
        ask = confirmed(
            request,
            context={"area": self.area},
            title=_("Erase the data of %(person)s?") % {"person": person},
            lines=[
                _(
                    "The name, title, e-mail and phone are replaced in the person and in "
                    "every version of its history; forum registrations, subscriptions and "
                    "messages lose the address and what names the person; the user account "
                    "is closed."
                ),
                _(
                    "What the law requires to be kept stays, with the anonymised person: "
                    "seats, attendance and minutes of the bodies, consents as proof (by a "
                    "hash of the address only) and the use log. This cannot be undone."
                ),
            ],
            button=_("Erase the data"),
            back_url=back,
        )
        if ask is not None:
            return ask
        services.person_erase(access=self.access, person=person, request=request)
        messages.success(request, _("The person's data was erased."))
        return HttpResponseRedirect(
            reverse("parties:person", kwargs={"area": self.area.slug, "pk": person.pk})
        )


def landing(request):
    """Where a user starts after logging in (by password or single sign-on): their tasks
    in their (first) area, else the list of areas."""
    role = None
    if request.user.is_authenticated:
        role = (
            AreaRole.objects.filter(user=request.user)
            .select_related("area")
            .order_by("area__name")
            .first()
        )
    if role is None:
        return HttpResponseRedirect(reverse("home"))
    return HttpResponseRedirect(reverse("areas:my_tasks", kwargs={"area": role.area.slug}))


def accept_invitation(request, token: str):
    """The invited person sets their name, user name and password; then they are in."""
    invitation = services.invitation_by_token(token)
    problem = services.invitation_problem(invitation)
    form = AcceptInvitationForm(request.POST or None)
    if problem:
        return render(
            request,
            "accounts/invitation_accept.html",
            {"problem": problem},
            status=410 if invitation else 404,
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invitation_accept(
                request=request,
                token=token,
                username=data["username"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return HttpResponseRedirect(invitation.area.get_absolute_url())
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation},
    )


class LoginView(auth_views.LoginView):
    """Local login (kept for NGOs and businesses), with single sign-on offered when the
    installation has it. Without a page to return to, a user lands on their tasks in
    their area (settings.LOGIN_REDIRECT_URL is `landing`)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["oidc_provider"] = getattr(settings, "OIDC_PROVIDER_NAME", "")
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        context["sso_refusal"] = oidc.refusal(self.request) if context["sso_failed"] else ""
        return context

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # Django focuses the user name on load: a keyboard or screen-reader user would
        # then start past the skip link and the page's heading.
        form.fields["username"].widget.attrs.pop("autofocus", None)
        return form


class LogoutView(auth_views.LogoutView):
    """Logging out of a session begun by single sign-on ends the provider's session too,
    where the provider offers it (RP-initiated logout, OIDC_LOGOUT_ENDPOINT)."""

    def post(self, request, *args, **kwargs):
        after = oidc.provider_logout_url(request) if settings.OIDC_ENABLED else ""
        response = super().post(request, *args, **kwargs)
        if after and response.status_code == 302:
            return HttpResponseRedirect(after)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the address; the message is queued after the answer (see the form)."""

    form_class = OutboxPasswordResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password set by the link also lifts the user's lockout, as the lockout
    page tells the user to reset."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.lockout_lift_on_reset(self.request, form.user)
        return response
