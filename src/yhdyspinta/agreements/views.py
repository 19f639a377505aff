from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View, generic

from yhdyspinta.areas.models import Area
from yhdyspinta.core.documents import DOCX, PDF, XLSX, file_response
from yhdyspinta.core.files import serve
from yhdyspinta.web.history import history_entries
from yhdyspinta.web.views import (
    AreaFormMixin,
    AreaMixin,
    LockedPageMixin,
    QueuedDocumentMixin,
)

from . import documents, selectors, services
from .forms import (
    AgreementForm,
    AnnexForm,
    ApprovalStepForm,
    PartyForm,
    SectionForm,
    SpecRhythmFormSet,
    StructureSpecForm,
    VersionForm,
    posted_marks,
)
from .models import (
    Agreement,
    AgreementParty,
    AgreementVersion,
    Annex,
    ApprovalStep,
    CommentRequest,
    CommentRound,
    Interface,
    Mark,
    Section,
    StructureSpec,
)


class _Private(AreaMixin):
    private = True


class _Manage(_Private):
    def allowed(self):
        return self.access.can_manage_agreements(self.area)


class AgreementList(_Private, generic.TemplateView):
    template_name = "agreements/agreement_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.agreement_list(area=self.area)
        context["warnings"] = selectors.expiry_warnings(area=self.area)
        context["can_manage"] = self.access.can_manage_agreements(self.area)
        own = self.access.contact_organisations(self.area)
        context["my_requests"] = CommentRequest.objects.filter(
            organisation_id__in=own,
            round__status=CommentRound.Status.OPEN,
            round__version__agreement__area=self.area,
        ).select_related("round", "organisation")
        return context


class AgreementCreate(_Manage, AreaFormMixin, generic.CreateView):
    model, form_class = Agreement, AgreementForm

    def save(self, form):
        version = services.agreement_create(
            access=self.access,
            agreement=form.instance,
            parties=list(form.cleaned_data["parties"]),
            valid_from=form.cleaned_data["valid_from"],
            valid_until=form.cleaned_data["valid_until"],
        )
        return version

    def get_page_title(self):
        return _("New cooperation agreement")

    def get_cancel_url(self):
        return reverse("agreements:agreements", kwargs={"area": self.area.slug})


class _AgreementMixin(_Private):
    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(Area, slug=kwargs["area"])
        self.agreement = get_object_or_404(Agreement, area=self.area, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class AgreementDetail(_AgreementMixin, generic.TemplateView):
    template_name = "agreements/agreement_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = selectors.agreement_with_versions(area=self.area, pk=self.agreement.pk)
        versions = list(agreement.versions.all())
        context["agreement"] = agreement
        states = [selectors.version_state(v) for v in versions]
        context["versions"] = [
            (v, state, selectors.version_state_label(state))
            for v, state in zip(versions, states, strict=True)
        ]
        context["current"] = selectors.current_version(agreement)
        context["can_manage"] = self.access.can_manage_agreements(self.area)
        context["warnings"] = [
            w for w in selectors.expiry_warnings(area=self.area) if w.agreement.pk == agreement.pk
        ]
        return context


class NewDraft(_Manage, _AgreementMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            version = services.version_new_draft(access=self.access, agreement=self.agreement)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.agreement.get_absolute_url())
        messages.success(
            request,
            _("Version %(n)s was made as a copy of the previous one.") % {"n": version.number},
        )
        return HttpResponseRedirect(version.get_absolute_url())


class Compare(_AgreementMixin, generic.TemplateView):
    template_name = "agreements/compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = {v.number: v for v in self.agreement.versions.all()}
        try:
            old = versions[int(self.request.GET.get("old", ""))]
            new = versions[int(self.request.GET.get("new", ""))]
        except (KeyError, ValueError):
            numbers = sorted(versions)
            if len(numbers) < 2:
                raise Http404 from None
            old, new = versions[numbers[-2]], versions[numbers[-1]]
        context["agreement"] = self.agreement
        context["diff"] = selectors.version_diff(old=old, new=new)
        context["numbers"] = sorted(versions)
        return context


class _VersionMixin(_AgreementMixin):
    def dispatch(self, request, *args, **kwargs):
        self.version = get_object_or_404(
            AgreementVersion,
            agreement__area__slug=kwargs["area"],
            agreement_id=kwargs["pk"],
            number=kwargs["number"],
        )
        return super().dispatch(request, *args, **kwargs)

    @property
    def editable(self) -> bool:
        return selectors.version_state(self.version) == "draft"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["agreement"] = self.agreement
        context["version"] = self.version
        return context


class VersionDetail(_VersionMixin, generic.TemplateView):
    template_name = "agreements/version_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = selectors.version_detail(agreement=self.agreement, number=self.version.number)
        state = selectors.version_state(version)
        context["version"] = version
        context["state"] = state
        context["state_label"] = selectors.version_state_label(state)
        context["editable"] = state == "draft"
        context["fully_signed"] = selectors.is_fully_signed(version)
        context["sections"] = [
            (s, selectors.render_markdown(s.text)) for s in version.sections.all()
        ]
        context["changes"] = services.structure_changes(version=version)
        context["can_manage"] = self.access.can_manage_agreements(self.area)
        context["has_data_sources"] = self.area.data_sources.exists()
        context["task_count"] = version.responsibility_tasks.count()
        return context


class VersionHistory(_VersionMixin, generic.TemplateView):
    """The audit trail of the version, its parties' approvals and signatures, and its
    approval path, newest first."""

    template_name = "history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = history_entries(self.version)
        for party in self.version.parties.select_related("organisation"):
            for entry in history_entries(party):
                entry.kind = f"{entry.kind}: {party.organisation}"
                entries.append(entry)
        for step in self.version.approval_steps.all():
            for entry in history_entries(step):
                entry.kind = f"{entry.kind}: {step.title}"
                entries.append(entry)
        context["object"] = self.version
        context["entries"] = sorted(entries, key=lambda e: e.when, reverse=True)
        return context


class VersionDocument(QueuedDocumentMixin, _VersionMixin, View):
    """The agreement as a document, made on the worker (web.jobs)."""

    document_task = documents.version_file

    def document(self) -> dict:
        fmt = self.kwargs["fmt"]
        if fmt not in ("pdf", "docx"):
            raise Http404
        return {
            "params": {"version": self.version.pk, "fmt": fmt},
            "title": _("%(agreement)s, version %(number)s (%(format)s)")
            % {"agreement": self.agreement, "number": self.version.number, "format": fmt.upper()},
            "filename": f"sopimus-{self.agreement.pk}-v{self.version.number}.{fmt}",
            "content_type": PDF if fmt == "pdf" else DOCX,
        }


class SignedCopyFile(_VersionMixin, View):
    """A party's scanned signed copy: for users of the area only (the mixin's gate)."""

    def get(self, request, *args, **kwargs):
        party = get_object_or_404(self.version.parties, pk=kwargs["party"])
        if not party.signed_copy:
            raise Http404
        return serve(party.signed_copy)


class SignaturesCheck(_VersionMixin, View):
    """Validate a party's signed copy again, e.g. after the trust roots changed."""

    def post(self, request, *args, **kwargs):
        party = get_object_or_404(self.version.parties, pk=kwargs["party"])
        checks = services.signatures_check(access=self.access, party=party)
        flagged = [c for c in checks if not c.ok]
        if flagged:
            messages.warning(
                request,
                _("Electronic signature not accepted: %(why)s")
                % {"why": ", ".join(str(c.get_outcome_display()) for c in flagged)},
            )
        else:
            messages.success(request, _("The signatures were checked: each is valid."))
        return HttpResponseRedirect(self.version.get_absolute_url() + "#parties-h")


class AnnexFile(_VersionMixin, View):
    def get(self, request, *args, **kwargs):
        annex = get_object_or_404(self.version.annexes, pk=kwargs["annex"])
        return serve(annex.file)


class _VersionForm(_Manage, _VersionMixin, AreaFormMixin):
    """Forms that change a part of the version; drafts only, unless `after_signing`."""

    after_signing = False

    def get(self, request, *args, **kwargs):
        return self._refuse_if_signed() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._refuse_if_signed() or super().post(request, *args, **kwargs)

    def _refuse_if_signed(self):
        """A signed version's text and structure stay as signed; nothing typed is lost
        because the form is not shown at all."""
        if self.after_signing or self.editable:
            return None
        messages.error(
            self.request,
            _("Version %(n)s has been signed; make a new version to change it.")
            % {"n": self.version.number},
        )
        return HttpResponseRedirect(self.version.get_absolute_url())

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)

    def get_success_url(self):
        return self.version.get_absolute_url()

    def get_cancel_url(self):
        return self.version.get_absolute_url()


class VersionEdit(_VersionForm, generic.UpdateView):
    form_class = VersionForm

    def get_object(self, queryset=None):
        return self.version

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["editable"] = self.editable
        return kwargs

    def save(self, form):
        return services.version_save(
            access=self.access,
            version=form.save(commit=False),
            parties=form.cleaned_data.get("parties"),
        )

    def get_page_title(self):
        return _("Edit version %(n)s") % {"n": self.version.number}


class SectionCreate(_VersionForm, generic.CreateView):
    form_class = SectionForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Section(
            version=self.version,
            position=(self.version.sections.count() + 1) * 10,
        )
        return kwargs

    def save(self, form):
        return services.section_save(access=self.access, section=form.instance)

    def get_page_title(self):
        return _("New section")


class SectionUpdate(_VersionForm, generic.UpdateView):
    form_class = SectionForm

    def get_object(self, queryset=None):
        return get_object_or_404(Section, version=self.version, pk=self.kwargs["section"])

    def save(self, form):
        return services.section_save(access=self.access, section=form.instance)

    def get_page_title(self):
        return _("Edit section %(number)s") % {"number": self.object.number}


class PartyUpdate(_VersionForm, generic.UpdateView):
    """Approval and signature of one party: recorded after the text is final."""

    form_class = PartyForm
    after_signing = True

    def get_object(self, queryset=None):
        return get_object_or_404(
            AgreementParty.objects.select_related("organisation"),
            version=self.version,
            pk=self.kwargs["party"],
        )

    def save(self, form):
        return services.party_record(access=self.access, party=form.instance)

    def get_page_title(self):
        return _("Approval and signature: %(party)s") % {"party": self.object.organisation}


class StepCreate(_VersionForm, generic.CreateView):
    form_class = ApprovalStepForm
    after_signing = True

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = ApprovalStep(
            version=self.version, position=(self.version.approval_steps.count() + 1) * 10
        )
        return kwargs

    def save(self, form):
        return services.approval_step_save(access=self.access, step=form.instance)

    def get_page_title(self):
        return _("New approval step")


class StepUpdate(_VersionForm, generic.UpdateView):
    form_class = ApprovalStepForm
    after_signing = True

    def get_object(self, queryset=None):
        return get_object_or_404(ApprovalStep, version=self.version, pk=self.kwargs["step"])

    def save(self, form):
        return services.approval_step_save(access=self.access, step=form.instance)

    def get_page_title(self):
        return _("Approval step: %(step)s") % {"step": self.object.title}


class AnnexCreate(_VersionForm, generic.CreateView):
    form_class = AnnexForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Annex(version=self.version)
        return kwargs

    def get_page_title(self):
        return _("New annex")


class _SpecForm(_VersionForm):
    template_name = "agreements/spec_form.html"
    form_class = StructureSpecForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["version"] = self.version
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("rhythm", self.rhythm_formset())
        return context

    def rhythm_formset(self, data=None):
        instance = self.object if getattr(self, "object", None) else StructureSpec()
        return SpecRhythmFormSet(data, instance=instance, prefix="rhythm")

    def form_valid(self, form):
        if not self.editable:
            return super().form_valid(form)
        rhythm = SpecRhythmFormSet(self.request.POST, instance=form.instance, prefix="rhythm")
        if not rhythm.is_valid():
            messages.error(self.request, _("Check the fields marked below. Nothing was saved yet."))
            return self.render_to_response(self.get_context_data(form=form, rhythm=rhythm))
        self.rhythm = rhythm
        return super().form_valid(form)

    def save(self, form):
        spec = form.save(commit=False)
        if not self.editable:  # only the fields a signed version still allows
            return services.spec_save(access=self.access, spec=spec)
        self.rhythm.instance = spec
        return services.spec_save(
            access=self.access,
            spec=spec,
            rules=self.rhythm.save(commit=False),
            removed_rules=self.rhythm.deleted_objects,
        )


class SpecCreate(_SpecForm, generic.CreateView):
    def get_page_title(self):
        return _("New structure")


class SpecUpdate(_SpecForm, generic.UpdateView):
    def get_object(self, queryset=None):
        return get_object_or_404(StructureSpec, version=self.version, pk=self.kwargs["spec"])

    def get_page_title(self):
        return _("Structure: %(name)s") % {"name": self.object.name}


class VersionAction(_Manage, _VersionMixin, View):
    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        try:
            if action == "take-structure":
                count = services.specs_from_structure(access=self.access, version=self.version)
                messages.success(
                    request, _("%(count)s bodies recorded from the structure.") % {"count": count}
                )
            elif action == "apply":
                if request.POST.get("confirm") != "yes":
                    # Applying asks first, on the page that shows its effect on the
                    # structure and on the obligations.
                    return HttpResponseRedirect(
                        reverse(
                            "obligations:apply_preview",
                            kwargs={"area": self.area.slug, "version": self.version.pk},
                        )
                    )
                count = services.version_apply(
                    access=self.access,
                    version=self.version,
                )
                messages.success(
                    request,
                    _("The structure now follows version %(n)s (%(count)s changes).")
                    % {"n": self.version.number, "count": count},
                )
            elif action == "evaluate":
                round = services.evaluation_round_start(access=self.access, version=self.version)
                messages.success(
                    request, _("The evaluation round is ready: check it and send the requests.")
                )
                return HttpResponseRedirect(round.get_absolute_url())
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(self.version.get_absolute_url())


class ResponsibilityView(_VersionMixin, LockedPageMixin, generic.TemplateView):
    template_name = "agreements/responsibility.html"

    def lock_values(self):
        AgreementVersion.objects.select_for_update().filter(pk=self.version.pk).order_by().first()
        values: dict[str, object] = {}
        for task in self.version.responsibility_tasks.prefetch_related("marks__organisation"):
            marks = sorted(f"{m.organisation}={m.mark}" for m in task.marks.all())
            values[f"{task.get_interface_display()}: {task.text}"] = marks
        return values

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["grid"] = selectors.responsibility_grid(version=self.version)
        context["marks"] = list(Mark)
        context["interfaces"] = Interface.choices
        context["can_edit"] = self.access.can_manage_agreements(self.area) and self.editable
        return context

    def post(self, request, *args, **kwargs):
        if not (self.access.can_manage_agreements(self.area) and self.editable):
            return self.deny()
        tasks = list(self.version.responsibility_tasks.all())
        parties = list(self.version.parties.all())
        try:
            with transaction.atomic():
                self.check_unchanged()
                services.responsibility_save(
                    access=self.access,
                    version=self.version,
                    marks=posted_marks(request.POST, tasks, parties),
                    task_texts={t.pk: request.POST.get(f"task-{t.pk}", t.text) for t in tasks},
                    new_tasks=[
                        (value, request.POST.get(f"new-{value}", ""))
                        for value, _label in Interface.choices
                    ],
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The responsibility table was saved."))
        return HttpResponseRedirect(request.path)


class ResponsibilityExport(_VersionMixin, View):
    logs_people = "export"

    def get(self, request, *args, **kwargs):
        name = f"vastuunjakotaulukko-v{self.version.number}"
        if kwargs["fmt"] == "xlsx":
            return file_response(documents.responsibility_xlsx(self.version), f"{name}.xlsx", XLSX)
        return file_response(documents.responsibility_pdf(self.version), f"{name}.pdf", PDF)


# --- comment rounds ----------------------------------------------------------------------------


class MarkdownPreview(_Manage, View):
    """The section editor's live preview: the text as the agreement will show it (the
    same renderer, HTML disabled)."""

    def post(self, request, *args, **kwargs):
        text = request.POST.get("text", "")[:100_000]
        return HttpResponse(selectors.render_markdown(text))
