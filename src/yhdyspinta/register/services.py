"""The register workbook into an area: everything or nothing.

`register_import` reads the whole workbook first (workbook.read): a problem anywhere
refuses the file before a row is written. It then writes in one transaction, sheet by
sheet in the order rows refer to each other, matching each row to the area's own by its
key (an organisation by business ID, municipality number or name; a person by e-mail, or
by name when there is none; a sub-region and a body by name; a named role, a seat and a
counterpart pair by what they join), so a corrected file updates rows rather than adding
them and the same file twice changes nothing. A row is saved only when a value differs,
validated as the pages validate it (the model's `full_clean`), and its history names the
file. A problem found while writing (a seat over the body's limit, say) rolls everything
back too, and the preview (`dry_run`) rolls back what it would have written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.http import HttpRequest
from django.tasks import task
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from yhdyspinta.accounts.models import AreaRole
from yhdyspinta.accounts.permissions import Access
from yhdyspinta.accounts.services import invitation_send
from yhdyspinta.areas import national
from yhdyspinta.areas.models import Area, SubRegion
from yhdyspinta.bodies.models import Body, LegalBasis, Membership, MembershipRole, RhythmRule
from yhdyspinta.core.permission import require
from yhdyspinta.parties.models import (
    CounterpartPair,
    NamedRole,
    Organisation,
    OrganisationKind,
    Person,
)

from . import workbook
from .models import RegisterRun
from .selectors import person_ref
from .workbook import BY_KEY, Problem, Rhythm, Row


@dataclass
class Counts:
    created: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass
class Report:
    """What the import did (or, previewed, would do), sheet by sheet; or why it did
    nothing."""

    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    problems: list[Problem] = field(default_factory=list)
    area: Area | None = None

    @property
    def changes(self) -> int:
        return sum(c.created + c.changed for c in self.counts.values())


@transaction.atomic
def register_import(
    *,
    access: Access,
    slug: str,
    file: IO[bytes],
    filename: str,
    name: str = "",
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Import the workbook into the area `slug`; a new area (named `name`) is the
    superuser's to create."""
    # One import of an area at a time: a second waits for the first and then finds its
    # rows, instead of adding the same ones beside them.
    area = Area.objects.select_for_update().filter(slug=slug).first()
    if area is None:
        require(access.is_superuser)
    else:
        require(access.can_edit_area_settings(area))
    parsed = workbook.read(file)
    report = Report(problems=list(parsed.problems))
    if area is None and not name:
        report.problems.append(Problem("", None, "", _("A new area needs a name (--name).")))
    if report.problems:
        return report
    if area is None:
        area = Area(slug=slug, name=name)
        try:
            area.full_clean()
        except ValidationError as error:
            report.problems += [Problem("", None, "", m) for m in error.messages]
            return report
        area.save()
    report.area = area
    reason = _("Register file %(file)s") % {"file": filename}
    _Import(area, report, reason, progress).run(parsed.rows)
    if report.problems or dry_run:
        transaction.set_rollback(True)
    return report


class _Import:
    def __init__(
        self,
        area: Area,
        report: Report,
        reason: str,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.area, self.report, self.reason = area, report, reason[:100]
        self.seen: dict[str, dict[Any, int]] = defaultdict(dict)
        self.progress, self.done, self.total = progress, 0, 0

    def each(self, rows: Iterable[Row]) -> Iterator[Row]:
        """The rows, telling `progress` how far the file has come every hundred."""
        for row in rows:
            yield row
            self.done += 1
            if self.progress and self.done % 100 == 0:
                self.progress(self.done, self.total)

    def run(self, rows: dict[str, list[Row]]) -> None:
        self.total = sum(len(sheet) for sheet in rows.values())
        self.sub_regions(rows["sub_regions"])
        self.organisations(rows["organisations"])
        self.people(rows["people"])
        self.named_roles(rows["named_roles"])
        self.bodies(rows["bodies"])
        self.seats(rows["seats"])
        self.counterparts(rows["counterparts"])

    # --- helpers ---------------------------------------------------------------------
    def problem(self, sheet: str, row: Row, column: str, reason: str) -> None:
        sheet_ = BY_KEY[sheet]
        header = next((c.header for c in sheet_.columns if c.name == column), "")
        self.report.problems.append(Problem(sheet_.title, row.number, header, reason))

    def first(self, sheet: str, row: Row, key: Any) -> bool:
        """Whether this is the first row of the file with `key` (a second is a problem)."""
        if (earlier := self.seen[sheet].get(key)) is not None:
            self.problem(sheet, row, "", _("The same row as row %(row)s.") % {"row": earlier})
            return False
        self.seen[sheet][key] = row.number
        return True

    def put(self, sheet: str, row: Row, obj: models.Model, values: dict[str, Any]) -> str:
        """Set `values` on `obj` and save it if it is new or a value changed: "created",
        "changed" or "unchanged", or "" when the row is refused."""
        counts = self.report.counts[BY_KEY[sheet].title]
        created = obj.pk is None
        changed = [] if created else [k for k, v in values.items() if getattr(obj, k) != v]
        if not created and not changed:
            counts.unchanged += 1
            return "unchanged"
        for key, value in values.items():
            setattr(obj, key, value)
        try:
            obj.full_clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.problem(sheet, row, name, message)
            return ""
        obj._change_reason = self.reason  # type: ignore[attr-defined]  # simple_history
        obj.save()
        if created:
            counts.created += 1
            return "created"
        counts.changed += 1
        return "changed"

    def ref(self, sheet: str, row: Row, column: str, found: dict[str, Any], kind: str) -> Any:
        text = row.values.get(column) or ""
        if not text:
            return None
        if text not in found:
            self.problem(
                sheet, row, column, _("Unknown %(kind)s: %(name)s.") % {"kind": kind, "name": text}
            )
            return False
        return found[text]

    # --- sheets ----------------------------------------------------------------------
    def sub_regions(self, rows: list[Row]) -> None:
        existing = {s.name: s for s in SubRegion.objects.filter(area=self.area)}
        for row in self.each(rows):
            name = row.values["name"]
            if self.first("sub_regions", row, name):
                region = existing.get(name) or SubRegion(area=self.area, name=name)
                self.put("sub_regions", row, region, {"order": row.values["order"] or 0})
                existing[name] = region
        self.regions = existing

    def organisations(self, rows: list[Row]) -> None:
        existing = list(Organisation.objects.filter(area=self.area))
        by = {
            "business_id": {o.business_id: o for o in existing if o.business_id},
            "municipality_number": {
                o.municipality_number: o for o in existing if o.municipality_number
            },
            "name": {o.name: o for o in existing},
        }
        for row in self.each(rows):
            v = row.values
            keys = [k for k in ("business_id", "municipality_number", "name") if v[k]]
            if not self.first("organisations", row, (keys[0], v[keys[0]])):
                continue
            # The first key the row and a row of the area share: a business ID added to
            # the file finds the organisation by its name.
            found = next((by[k][v[k]] for k in keys if v[k] in by[k]), None)
            organisation = found or Organisation(area=self.area)
            region = self.ref("organisations", row, "sub_region", self.regions, _("sub-region"))
            if region is False:
                continue
            values = {k: val for k, val in v.items() if k != "sub_region"}
            if self.put("organisations", row, organisation, {**values, "sub_region": region}):
                by["name"][organisation.name] = organisation
        self.organisations_by_name = by["name"]

    def people(self, rows: list[Row]) -> None:
        existing = list(Person.objects.filter(area=self.area))
        by_email = {p.email.lower(): p for p in existing if p.email}
        by_name: dict[str, list[Person]] = defaultdict(list)
        for person in existing:
            by_name[f"{person.first_name} {person.last_name}"].append(person)
        for row in self.each(rows):
            v = row.values
            full_name = f"{v['first_name']} {v['last_name']}"
            key = v["email"].lower() or full_name
            if not self.first("people", row, key):
                continue
            # By e-mail; else the one namesake without an e-mail (an address added to the
            # file finds the person by name).
            namesakes = [p for p in by_name[full_name] if not p.email]
            found = by_email.get(v["email"].lower()) if v["email"] else None
            if found is None and len(namesakes) == 1:
                found = namesakes[0]
            person = found or Person(area=self.area)
            organisation = self.ref(
                "people", row, "organisation", self.organisations_by_name, _("organisation")
            )
            if organisation is False:
                continue
            self.put("people", row, person, {**v, "organisation": organisation})
        self.people_by_ref = {
            person_ref(p).lower() if p.email else person_ref(p): p
            for p in Person.objects.filter(area=self.area).order_by("pk")
        }

    def person(self, sheet: str, row: Row, column: str) -> Any:
        text = row.values.get(column) or ""
        found = self.people_by_ref.get(text.lower() if "@" in text else text)
        if text and found is None:
            self.problem(sheet, row, column, _("Unknown person: %(name)s.") % {"name": text})
            return False
        return found

    def named_roles(self, rows: list[Row]) -> None:
        for row in self.each(rows):
            v = row.values
            organisation = self.ref(
                "named_roles", row, "organisation", self.organisations_by_name, _("organisation")
            )
            person = self.person("named_roles", row, "person")
            if organisation is False or person is False or organisation is None:
                continue
            key = (organisation.pk, v["kind"], person.pk if person else v["holder_name"])
            if not self.first("named_roles", row, key):
                continue
            role = NamedRole.objects.filter(
                organisation=organisation,
                kind=v["kind"],
                **({"person": person} if person else {"holder_name": v["holder_name"]}),
            ).first() or NamedRole(organisation=organisation, kind=v["kind"])
            self.put(
                "named_roles",
                row,
                role,
                {
                    "person": person,
                    "holder_name": v["holder_name"],
                    "starts_on": v["starts_on"],
                    "ends_on": v["ends_on"],
                },
            )

    def bodies(self, rows: list[Row]) -> None:
        existing = {b.name: b for b in Body.objects.filter(area=self.area)}
        parents: list[tuple[Row, Body]] = []
        for row in self.each(rows):
            v = row.values
            if not self.first("bodies", row, v["name"]):
                continue
            convener = self.ref(
                "bodies", row, "convener", self.organisations_by_name, _("organisation")
            )
            region = self.ref("bodies", row, "sub_region", self.regions, _("sub-region"))
            if convener is False or region is False:
                continue
            body = existing.get(v["name"]) or Body(area=self.area)
            values = {k: val for k, val in v.items() if k not in ("rhythm", "parent")}
            values.update(
                convener=convener,
                sub_region=region,
                legal_basis=v["legal_basis"] or LegalBasis.NONE,
                nominees_min=1 if v["nominees_min"] is None else v["nominees_min"],
            )
            if not (done := self.put("bodies", row, body, values)):
                continue
            existing[body.name] = body
            parents.append((row, body))
            if self.rhythm(body, v["rhythm"]) and done == "unchanged":
                counts = self.report.counts[BY_KEY["bodies"].title]
                counts.unchanged, counts.changed = counts.unchanged - 1, counts.changed + 1
        for row, body in parents:
            parent = self.ref("bodies", row, "parent", existing, _("body"))
            if parent is not False and body.parent != parent:
                body.parent = parent
                body._change_reason = self.reason  # type: ignore[attr-defined]
                body.save(update_fields=["parent", "updated_at"])
        self.bodies_by_name = existing

    def rhythm(self, body: Body, rules: list[Rhythm]) -> bool:
        """The body's rhythm rules made those of its row; whether they changed."""
        have = [
            Rhythm(r.meeting_kind, r.period, r.min_count, r.max_count, r.month)
            for r in body.rhythm_rules.all()
        ]
        if sorted(have, key=repr) == sorted(rules, key=repr):
            return False
        for old in body.rhythm_rules.all():
            old._change_reason = self.reason  # type: ignore[attr-defined]
            old.delete()
        for rule in rules:
            made = RhythmRule(body=body, **rule.__dict__)
            made._change_reason = self.reason  # type: ignore[attr-defined]
            made.save()
        return True

    def seats(self, rows: list[Row]) -> None:
        # Members before their deputies, whom a deputy's row names.
        deputies_last = sorted(rows, key=lambda r: r.values.get("role") == MembershipRole.DEPUTY)
        for row in self.each(deputies_last):
            v = row.values
            body = self.ref("seats", row, "body", self.bodies_by_name, _("body"))
            organisation = self.ref(
                "seats", row, "organisation", self.organisations_by_name, _("organisation")
            )
            person = self.person("seats", row, "person")
            deputy_of = self.person("seats", row, "deputy_for")
            if False in (body, organisation, person, deputy_of) or None in (body, person):
                continue
            role = v["role"] or MembershipRole.MEMBER
            if not self.first(
                "seats", row, (body.pk, person.pk, organisation.pk, role, v["starts_on"])
            ):
                continue
            member = None
            if deputy_of is not None:
                member = (
                    Membership.objects.filter(body=body, person=deputy_of)
                    .exclude(role=MembershipRole.DEPUTY)
                    .order_by("-starts_on")
                    .first()
                )
                if member is None:
                    self.problem(
                        "seats",
                        row,
                        "deputy_for",
                        _("%(name)s has no seat in this body.") % {"name": v["deputy_for"]},
                    )
                    continue
            seat = Membership.objects.filter(
                body=body,
                person=person,
                organisation=organisation,
                role=role,
                starts_on=v["starts_on"],
            ).first() or Membership(body=body, person=person, organisation=organisation)
            self.put(
                "seats",
                row,
                seat,
                {
                    "role": role,
                    "deputy_for": member,
                    "starts_on": v["starts_on"],
                    "ends_on": v["ends_on"],
                    "source": v["source"],
                },
            )

    def counterparts(self, rows: list[Row]) -> None:
        for row in self.each(rows):
            county = self.person("counterparts", row, "county_person")
            municipality = self.person("counterparts", row, "municipality_person")
            if county in (False, None) or municipality in (False, None):
                continue
            key = (row.values["topic"], county.pk, municipality.pk)
            if not self.first("counterparts", row, key):
                continue
            pair = CounterpartPair.objects.filter(
                topic=key[0], county_person=county, municipality_person=municipality
            ).first() or CounterpartPair(area=self.area)
            self.put(
                "counterparts",
                row,
                pair,
                {"topic": key[0], "county_person": county, "municipality_person": municipality},
            )


# --- a new area ------------------------------------------------------------------------
@transaction.atomic
def area_start(
    *,
    access: Access,
    request: HttpRequest,
    name: str,
    slug: str,
    sub_regions: list[str],
    admin_email: str,
    national_code: str = "",
    municipalities: list[str] | None = None,
) -> Area:
    """A new area with its sub-regions, its municipalities from the national list (each an
    organisation with its number; the wellbeing services county too when the area is one)
    and an invitation to its first administrator (sent through the outbox after the
    commit); the superuser's."""
    require(access.is_superuser)
    area = Area(name=name.strip(), slug=slug or slugify(name)[:60], national_code=national_code)
    area.full_clean()
    area.save()
    for order, region in enumerate(dict.fromkeys(r.strip() for r in sub_regions if r.strip())):
        made = SubRegion(area=area, name=region, order=order)
        made.full_clean()
        made.save()
    county = national.area(national_code) if national_code else None
    if county is not None:
        _organisation_start(area, county.name_fi, OrganisationKind.COUNTY, "")
    for number in dict.fromkeys(municipalities or []):
        municipality = national.municipality(number)
        if municipality is None or not municipality.current:
            raise ValidationError(
                {
                    "municipalities": _("%(value)s is not a municipality of today.")
                    % {"value": number}
                }
            )
        _organisation_start(area, municipality.name_fi, OrganisationKind.MUNICIPALITY, number)
    invitation_send(
        access=access, request=request, area=area, email=admin_email, role=AreaRole.Role.ADMIN
    )
    return area


def _organisation_start(area: Area, name: str, kind: str, number: str) -> None:
    made = Organisation(area=area, name=name, kind=kind, municipality_number=number)
    made.full_clean()
    made.save()


# --- the page's runs on the task worker ------------------------------------------------
def run_queue(*, access: Access, area: Area, user: Any, upload: Any, language: str) -> RegisterRun:
    """Store an uploaded register file privately and queue its preview (after commit)."""
    require(access.can_edit_area_settings(area))
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is too large: %(size)s MB, at most %(max)s MB.")
            % {
                "size": round(upload.size / 1024 / 1024),
                "max": settings.UPLOAD_MAX_BYTES // 1024 // 1024,
            }
        )
    with transaction.atomic():
        _forget_old_previews(area)
        run = RegisterRun.objects.create(
            area=area, user=user, filename=upload.name[:255], language=language
        )
        run.stored_file = default_storage.save(f"register/{run.pk}.xlsx", upload)
        run.save(update_fields=["stored_file"])
        transaction.on_commit(lambda: register_run.enqueue(str(run.pk)))
    return run


# A preview not confirmed within this time is not imported any more: its stored file is
# deleted when the next file of the area is uploaded (the report stays in the list).
PREVIEW_KEPT = timedelta(days=1)


def _forget_old_previews(area: Area) -> None:
    old = RegisterRun.objects.filter(
        area=area,
        preview=True,
        confirmed__isnull=True,
        finished_at__lt=timezone.now() - PREVIEW_KEPT,
    ).exclude(stored_file="")
    for run in old:
        default_storage.delete(run.stored_file)
    old.update(stored_file="")


def run_confirm(*, access: Access, preview: RegisterRun) -> RegisterRun:
    """The previewed file's import, queued once however often it is confirmed."""
    require(access.can_edit_area_settings(preview.area))
    with transaction.atomic():
        locked = RegisterRun.objects.select_for_update().get(pk=preview.pk)
        if locked.confirmed_id:
            return RegisterRun.objects.get(pk=locked.confirmed_id)
        if not (locked.preview and locked.status == RegisterRun.Status.DONE and locked.stored_file):
            raise ValidationError(_("This file can no longer be imported: upload it again."))
        if locked.problems:
            raise ValidationError(_("The file has problems: correct them and upload it again."))
        run = RegisterRun.objects.create(
            area=locked.area,
            user=locked.user,
            filename=locked.filename,
            stored_file=locked.stored_file,
            preview=False,
            language=locked.language,
        )
        locked.confirmed = run
        locked.save(update_fields=["confirmed"])
        transaction.on_commit(lambda: register_run.enqueue(str(run.pk)))
    return run


def _progress_key(run: RegisterRun) -> str:
    return f"register-run:{run.pk}"


def progress_set(run: RegisterRun, done: int, total: int) -> None:
    """How many of the file's rows the worker has handled: the progress cache, since the
    run's own transaction shows nothing before it ends."""
    caches["progress"].set(_progress_key(run), (done, total), timeout=24 * 3600)


def progress(run: RegisterRun) -> tuple[int, int]:
    return caches["progress"].get(_progress_key(run)) or (0, 0)


@task()
def register_run(run_id: str) -> str:
    """The worker's task: claim the run (once, even if queued twice), preview or import
    the file as its user may now, keep the report."""
    claimed = RegisterRun.objects.filter(pk=run_id, status=RegisterRun.Status.QUEUED).update(
        status=RegisterRun.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "not queued"
    run = RegisterRun.objects.select_related("area", "user").get(pk=run_id)
    status, report = RegisterRun.Status.DONE, {}
    try:
        with (
            translation.override(run.language),
            default_storage.open(run.stored_file, "rb") as data,
        ):
            done = register_import(
                access=Access(run.user),
                slug=run.area.slug,
                file=data,
                filename=run.filename,
                dry_run=run.preview,
                progress=lambda done, total: progress_set(run, done, total),
            )
            report = {
                "counts": {
                    sheet: [c.created, c.changed, c.unchanged] for sheet, c in done.counts.items()
                },
                "problems": [str(p) for p in done.problems],
            }
    except Exception as error:  # whatever it was, the run must not stay "running"
        status, report = RegisterRun.Status.FAILED, {"problems": [str(error)]}
    finished = {"status": status, "report": report, "finished_at": timezone.now()}
    if not run.preview or report.get("problems"):
        default_storage.delete(run.stored_file)
        finished["stored_file"] = ""
    RegisterRun.objects.filter(pk=run.pk).update(**finished)
    return status
