"""Finnish is the UI's source of truth and Swedish its second language: every string
must be translated, and the compiled catalogues must match the .po files."""

import gettext
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.LOCALE_PATHS[0])


def _field(block: str, keyword: str) -> list[str]:
    """Each value of `keyword` (msgid, msgstr, msgstr[n]) with its continuation lines."""
    values = []
    for match in re.finditer(rf'^{keyword} "(.*)"$((?:\n"(?:.*)"$)*)', block, re.M):
        continuation = re.findall(r'^"(.*)"$', match.group(2), re.M)
        values.append(match.group(1) + "".join(continuation))
    return values


def entries(po_text: str):
    for block in po_text.split("\n\n")[1:]:
        if not block.strip() or block.lstrip().startswith("#~"):
            continue
        msgid = "".join(_field(block, "msgid"))
        msgstrs = _field(block, r"msgstr(?:\[\d\])?")
        yield msgid, msgstrs, "#, fuzzy" in block


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_string_is_translated(language):
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text()
    problems = [msgid for msgid, msgstrs, fuzzy in entries(text) if fuzzy or not all(msgstrs)]
    assert not problems, f"{language}: untranslated or fuzzy: {problems}"


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_placeholders_survive_translation(language):
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text()
    for msgid, msgstrs, _ in entries(text):
        wanted = sorted(re.findall(r"%\((\w+)\)s", msgid))
        for msgstr in msgstrs:
            assert sorted(re.findall(r"%\((\w+)\)s", msgstr)) == wanted, msgid


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_compiled_catalogue_matches_po(language, tmp_path):
    folder = LOCALE / language / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(folder / "django.po")], check=True)  # noqa: S603, S607
    with (folder / "django.mo").open("rb") as committed, fresh.open("rb") as compiled:
        assert (
            gettext.GNUTranslations(committed)._catalog
            == gettext.GNUTranslations(compiled)._catalog
        )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_select_of_a_models_choices_speaks_the_language(client, login, demo, language):
    from django.urls import reverse

    from yhdyspinta.bodies.models import Body

    login("paakayttaja")
    client.cookies["django_language"] = language
    body = Body.objects.filter(area=demo["nk"]).first()
    html = client.get(
        reverse("bodies:body_edit", kwargs={"area": "pohjois-karjala", "pk": body.pk})
    ).content.decode()
    assert "Select an option" not in html
    assert {"fi": "– valitse –", "sv": "– välj –"}[language] in html
