"""The public never sees a person: crawl every page an anonymous visitor can reach from
the front page, and every file those pages link (PDF and DOCX text extracted, ICS and
XLSX parsed), and fail on any demo person's name or e-mail address or any meeting link."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import docx
import openpyxl
import pytest
from icalendar import Calendar
from pypdf import PdfReader

from yhdyspinta.meetings.models import Meeting
from yhdyspinta.outreach.models import Forum, Registration, Subscriber
from yhdyspinta.parties.models import Person

pytestmark = pytest.mark.django_db

SKIP = ("/accounts/", "/admin/", "/i18n/", "/static/")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"href", "src", "action"} and value:
                self.links.append(value)
            elif value and name not in {"class", "id"}:
                self.text.append(value)

    def handle_data(self, data):
        self.text.append(data)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    parts.append(document.core_properties.author or "")
    return "\n".join(parts)


def _ics_text(content: bytes) -> str:
    calendar = Calendar.from_ical(content)
    return "\n".join(
        f"{name}:{value}" for event in calendar.walk() for name, value in event.property_items()
    )


def _xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )


def _csv_text(content: bytes) -> str:
    text = content.decode("utf-8-sig")
    return "\n".join(";".join(row) for row in csv.reader(io.StringIO(text), delimiter=";"))


def _text_of(response) -> tuple[str, list[str]]:
    kind = response["Content-Type"].split(";")[0].strip()
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if kind == "text/html":
        parser = _Links()
        parser.feed(content.decode())
        return "\n".join(parser.text), parser.links
    if kind == "application/pdf":
        return _pdf_text(content), []
    if kind.endswith("wordprocessingml.document"):
        return _docx_text(content), []
    if kind.endswith("spreadsheetml.sheet"):
        return _xlsx_text(content), []
    if kind == "text/calendar":
        return _ics_text(content), []
    if kind == "text/csv":
        return _csv_text(content), []
    return content.decode("utf-8", "replace"), []


def _forbidden(demo) -> list[tuple[frozenset[str], re.Pattern]]:
    words = set()
    for person in Person.objects.all():
        words |= {
            f"{person.first_name} {person.last_name}",
            f"{person.last_name} {person.first_name}",
            f"{person.last_name}, {person.first_name}",
        }
        if person.email:
            words.add(person.email)
    for meeting in Meeting.objects.exclude(online_link=""):
        words.add(meeting.online_link)
    # Forum participants and letter subscribers are people too, and an event's link is
    # for those registered.
    for registration in Registration.objects.all():
        words |= {registration.name, registration.email}
    words |= set(Subscriber.objects.values_list("email", flat=True))
    words |= set(Forum.objects.exclude(online_link="").values_list("online_link", flat=True))
    return [
        (frozenset(TOKEN.findall(word.lower())), re.compile(_whole(word), re.IGNORECASE))
        for word in words
    ]


TOKEN = re.compile(r"\w+")


def _whole(word: str) -> str:
    return r"(?<!\w)" + re.escape(word) + r"(?!\w)"


def _leaks(text: str, patterns) -> list[str]:
    """The forbidden words in the text. A word standing whole in the text has each of its
    runs of letters there as a token of its own, so only a word whose tokens all occur is
    searched for (a thousand searches a page otherwise)."""
    tokens = set(TOKEN.findall(text.lower()))
    return [
        match.group(0)
        for needed, pattern in patterns
        if needed <= tokens and (match := pattern.search(text))
    ]


# A page reached with this many filters (query strings; a list's pages are not filters)
# is crawled with no more: a filter shows a part of the rows the page shows unfiltered
# (an indicator's page is linked once for each of some 300 regions and years: 600
# requests of values and no person).
VARIANTS = 5


def crawl(client, start: list[str], limit: int = 4000):
    seen, queue, pages = set(start), deque(start), []
    variants: Counter[str] = Counter()
    while queue:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200:
            continue
        text, links = _text_of(response)
        pages.append((url, text))
        for link in links:
            target, _fragment = urldefrag(urljoin(url, link))
            parts = urlsplit(target)
            if parts.scheme not in {"", "http"} or parts.netloc not in {"", "testserver"}:
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(SKIP) or path in seen:
                continue
            filters = [q for q in parts.query.split("&") if q and not q.startswith("page=")]
            if filters:  # a list's pages are all followed: each has rows of its own
                variants[parts.path] += 1
                if variants[parts.path] > VARIANTS:
                    continue
            seen.add(path)
            queue.append(path)
        assert len(pages) < limit, "the crawl does not end"
    return pages


@pytest.mark.once
def test_no_public_page_or_file_names_a_person_or_a_meeting_link(client, demo):
    patterns = _forbidden(demo)
    assert len(patterns) > 50  # the demo has people and online meetings
    pages = crawl(client, ["/"])
    kinds = {url.rsplit(".", 1)[-1] for url, _text in pages if "." in url.rsplit("/", 1)[-1]}
    assert {"pdf", "docx", "ics"} <= kinds, kinds
    assert any("/forums/" in url for url, _text in pages)  # the forums' pages are crawled
    assert any(url.endswith("feed.atom") for url, _text in pages)
    leaks = [f"{url}: {word}" for url, text in pages for word in _leaks(text, patterns)]
    assert not leaks, f"{len(leaks)} leaks in {len(pages)} pages:\n" + "\n".join(leaks[:5000])


def test_the_areas_users_still_see_people_and_meeting_links(client, login, demo):
    meeting = Meeting.objects.filter(body__area=demo["nk"]).exclude(online_link="").first()
    address = f"/pohjois-karjala/meetings/{meeting.pk}/"
    assert meeting.online_link not in client.get(address).content.decode()
    login("jasen")
    assert meeting.online_link in client.get(address).content.decode()
    pdf = client.get(address + "agenda.pdf").content
    assert meeting.online_link in _pdf_text(pdf).replace("\n", "")


def test_the_leak_check_finds_a_name_in_any_case_and_only_whole(demo):
    patterns = _forbidden(demo)
    person = Person.objects.exclude(email="").first()
    name = f"{person.last_name}, {person.first_name}"
    assert _leaks(f"<p>Puheenjohtaja {name.upper()}.</p>", patterns) == [name.upper()]
    assert person.email in _leaks(f"({person.email})", patterns)
    assert not _leaks(f"x{person.first_name} {person.last_name}x", patterns)
