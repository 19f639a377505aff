"""The area's register in and out of a workbook: the register and an empty template to
download, a file to upload, its preview on the task worker, and its import once the
administrator confirms what the preview says."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import generic

from yhdyspinta.accounts.permissions import get_access
from yhdyspinta.areas import national
from yhdyspinta.areas.models import Area
from yhdyspinta.core.documents import file_response
from yhdyspinta.web.views import AreaMixin, already_saved, create_once, form_key

from . import selectors, services, workbook
from .forms import NationalAreaChoice, NewAreaForm, RegisterUploadForm
from .models import RegisterRun

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Admin(AreaMixin):
    def allowed(self) -> bool:
        return self.access.can_edit_area_settings(self.area)


class RegisterPage(_Admin, generic.FormView):
    template_name = "register/register.html"
    form_class = RegisterUploadForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["runs"] = RegisterRun.objects.filter(area=self.area).select_related("user")[:10]
        context["max_mb"] = settings.UPLOAD_MAX_BYTES // 1024 // 1024
        context["form_key"] = form_key(self.request)
        return context

    def post(self, request, *args, **kwargs):
        # A repeat of the upload (a double click): to the first one's preview.
        return already_saved(request) or super().post(request, *args, **kwargs)

    def form_valid(self, form):
        def queue() -> RegisterRun:
            return services.run_queue(
                access=self.access,
                area=self.area,
                user=self.request.user,
                upload=form.cleaned_data["file"],
                language=translation.get_language() or "fi",
            )

        try:
            return create_once(
                self.request, queue, _run_url, _("The file was received; it is read next.")
            )
        except ValidationError as error:
            form.add_error("file", error)
            return self.form_invalid(form)


class RegisterRunPage(_Admin, generic.TemplateView):
    """A file's preview (then its import): what it would create, change and leave, or why
    nothing of it can be imported; the page asks again every two seconds until the
    worker is done."""

    template_name = "register/run.html"

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["register/_run.html"]
        return [self.template_name]

    def run(self) -> RegisterRun:
        return get_object_or_404(
            RegisterRun.objects.select_related("user", "confirmed"),
            area=self.area,
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["run"] = run = self.run()
        context["done"], context["total"] = services.progress(run)
        return context

    def post(self, request, *args, **kwargs):
        try:
            run = services.run_confirm(access=self.access, preview=self.run())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("register:page", kwargs={"area": self.area.slug}))
        return HttpResponseRedirect(_run_url(run))


class RegisterFile(_Admin, generic.View):
    """The area's register as a workbook: people's names and addresses, so each download
    is written to the use log."""

    logs_people = "export"

    def get(self, request, *args, **kwargs):
        out = io.BytesIO()
        workbook.write(selectors.register_rows(self.area), out)
        return file_response(out.getvalue(), f"rekisteri-{self.area.slug}.xlsx", XLSX)


class RegisterTemplate(_Admin, generic.View):
    def get(self, request, *args, **kwargs):
        out = io.BytesIO()
        workbook.write({}, out)
        return file_response(out.getvalue(), "rekisteri-pohja.xlsx", XLSX)


def _run_url(run: RegisterRun) -> str:
    return reverse("register:run", kwargs={"area": run.area.slug, "pk": run.pk})


class NewArea(generic.FormView):
    """A new area in one step for the installation's superuser: its name, sub-regions and
    the first administrator, invited by e-mail; then its register, from a workbook or the
    empty pages."""

    template_name = "register/new_area.html"
    form_class = NewAreaForm

    def dispatch(self, request, *args, **kwargs):
        self.access = get_access(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not self.access.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _national_code(self) -> str:
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        code = source.get("national_code" if self.request.method == "POST" else "alue", "")
        return code if national.area(code) else ""

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"national_code": self._national_code()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form_key"] = form_key(self.request)
        code = self._national_code()
        taken = frozenset(
            Area.objects.exclude(national_code="").values_list("national_code", flat=True)
        )
        context["choice"] = NationalAreaChoice(initial={"alue": code}, taken=taken)
        context["national_area"] = national.area(code) if code else None
        return context

    def post(self, request, *args, **kwargs):
        # A repeat (a double click): to the area the first post made, one invitation sent.
        return already_saved(request) or super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data

        def start() -> Area:
            return services.area_start(
                access=self.access,
                request=self.request,
                name=data["name"],
                slug=data["slug"],
                national_code=data["national_code"],
                municipalities=data["municipalities"],
                sub_regions=data["sub_regions"].splitlines(),
                admin_email=data["admin_email"],
            )

        message = _(
            "The area %(area)s was created and its administrator invited (%(email)s). "
            "Import its register from a workbook here, or start from the empty pages."
        ) % {"area": data["name"], "email": data["admin_email"]}
        try:
            return create_once(
                self.request,
                start,
                lambda area: reverse("register:page", kwargs={"area": area.slug}),
                message,
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
            return self.form_invalid(form)
