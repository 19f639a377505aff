"""Finnish is the UI's source of truth and Swedish its second language: every string
must be translated, and the compiled catalogues must match the .po files."""

import gettext
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.LOCALE_PATHS[0])

# The catalogues, whatever the database: checked once, in the PostgreSQL pass.
pytestmark = pytest.mark.pages


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


def _source_strings() -> set[tuple[str, str]]:
    """Every (context, text) the Python code translates: the literal first arguments of
    _, gettext, gettext_lazy, ngettext (both forms) and pgettext, found by parsing each
    module, inside f-strings too, where xgettext does not look."""
    import ast

    plain = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
    found = set()
    root = Path(settings.BASE_DIR) / "src" / "yhdyspinta"
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if not texts or not all(isinstance(t, str) for t in texts):
                continue
            name = node.func.id
            if name in plain:
                found.add(("", texts[0]))
            elif name in ("pgettext", "pgettext_lazy") and len(texts) >= 2:
                found.add((texts[0], texts[1]))
    return found


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_string_the_code_translates_is_in_the_catalogue(language):
    """makemessages (xgettext) does not read a gettext call inside an f-string: a text
    only there drops out of the catalogue at the next `make messages`, and the page
    shows it in English."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text()

    def unescaped(value: str) -> str:  # the .po's C escapes
        return value.encode("latin-1", "backslashreplace").decode("unicode_escape")

    known = set()
    for block in text.split("\n\n")[1:]:
        context = "".join(_field(block, "msgctxt"))
        known.add((unescaped(context), unescaped("".join(_field(block, "msgid")))))
    missing = sorted(_source_strings() - known)
    assert not missing, f"{language}: not in the catalogue: {missing}"
