"""The adapter speaks the admin's language: French and German catalogues ship with it."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from tests.django.definitions_data import claim_processing
from tests.django.flowapp.models import Claim
from tests.django.fsmapp.models import Article
from tests.django.restapp.models import Ticket
from tests.django.testapp.models import Order

import statecore_django
from statecore_django.admin_mixins import DONE
from statecore_django.definitions import services
from statecore_django.definitions.exchange import import_definition
from statecore_django.log.models import TransitionLog

pytestmark = pytest.mark.django_db
ADMIN_MIXIN_URLS = pytest.mark.urls("tests.django.test_admin_mixin")
PACKAGE = Path(statecore_django.__file__).parent
LANGUAGES = ("fr", "de")


def boss() -> Client:
    User.objects.create_superuser("boss", password="pw")
    client = Client()
    client.login(username="boss", password="pw")
    return client


@ADMIN_MIXIN_URLS
@override_settings(LANGUAGE_CODE="de")
def test_change_page_and_messages_are_german_with_language_code_de() -> None:
    """The panel, the log inline and the success message are translated, no English left."""
    client = boss()
    order = Order.objects.create(state="placed")
    change = reverse("workflow_admin:testapp_order_change", args=[order.pk])
    page = client.get(change).content.decode()
    assert "Workflow-Diagramm" in page
    assert "Übergangsprotokoll" in page
    assert "transition log" not in page
    url = reverse("workflow_admin:testapp_order_transition", args=[order.pk, "state", "cancel"])
    done = client.post(url, follow=True)
    messages = [str(m) for m in done.context["messages"]]
    assert messages == [f"{order}: Cancel ausgeführt; state ist jetzt „Cancelled“."]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "journal des transitions"), ("de", "Übergangsprotokoll"), ("en", "transition log")],
)
def test_log_model_names_are_translated(language: str, expected: str) -> None:
    """Model and field names of the log follow the active language."""
    with translation.override(language):
        assert str(TransitionLog._meta.app_config.verbose_name) == expected
        assert (
            str(TransitionLog._meta.get_field("from_state").verbose_name)
            in {
                "fr": {"état de départ"},
                "de": {"von Zustand"},
                "en": {"from state"},
            }[language]
        )


def test_message_constants_are_lazy_and_follow_the_language() -> None:
    """Tests can assert the class constants; they render in the active language."""
    with translation.override("fr"):
        text = DONE.format(object="Order 1", label="Pay", field="state", state="Paid")
    assert text == "Order 1 : Pay effectuée ; state est maintenant « Paid »."


def read_po(path: Path) -> dict[str, tuple[str, bool]]:
    """The entries of a .po file: msgid -> (msgstr, fuzzy); the header is left out."""
    entries: dict[str, tuple[str, bool]] = {}
    for block in re.split(r"\n\n|\n(?=#: )", path.read_text(encoding="utf-8")):
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        parts: dict[str, list[str]] = {}
        key = ""
        for line in block.splitlines():
            found = re.match(r'^(msgid|msgstr) "(.*)"$', line)
            if found:
                key = found.group(1)
                parts[key] = [found.group(2)]
            elif line.startswith('"') and key:
                parts[key].append(line[1:-1])
        if "msgid" in parts:
            msgid = (
                "".join(parts["msgid"])
                .encode()
                .decode("unicode_escape")
                .encode("latin-1")
                .decode("utf-8")
            )
            msgstr = "".join(parts.get("msgstr", []))
            if msgid:
                entries[msgid] = (msgstr, fuzzy)
    return entries


TRANSLATING = {"_", "gettext", "gettext_lazy", "gettext_noop"}
TEMPLATE_TAG = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.*?)\1""")


def msgids_of(path: Path) -> set[str]:
    """The literal messages a module or template hands to gettext."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        return {found.group(2) for found in TEMPLATE_TAG.finditer(text)}
    found = set()
    for node in ast.walk(ast.parse(text)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in TRANSLATING
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def catalogue_dir(path: Path) -> Path:
    """The nearest package above ``path`` that ships a ``locale`` directory."""
    folder = path.parent
    while not (folder / "locale").is_dir():
        folder = folder.parent
    return folder


def test_every_message_of_the_package_is_translated_in_french_and_german() -> None:
    """Each gettext message of a module or template has a French and a German translation.

    The catalogue is the nearest ``locale`` directory above the file, the one Django
    loads for that app; an untranslated, fuzzy or missing entry fails.
    """
    missing = []
    for path in sorted([*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.html")]):
        folder = catalogue_dir(path)
        for language in LANGUAGES:
            entries = read_po(folder / "locale" / language / "LC_MESSAGES" / "django.po")
            for msgid in msgids_of(path):
                msgstr, fuzzy = entries.get(msgid, ("", False))
                if not msgstr or fuzzy:
                    missing.append(f"{language}: {path.relative_to(PACKAGE)}: {msgid!r}")
    assert missing == []
    assert "workflow instances" in msgids_of(PACKAGE / "definitions" / "models.py")
    assert "Apply" in msgids_of(
        PACKAGE / "compat/django_fsm/templates/django_fsm/fsm_admin_transition_form.html"
    )


def test_the_catalogue_reader_sees_fuzzy_and_empty_entries(tmp_path: Path) -> None:
    """The reader behind the coverage test reports a fuzzy or empty entry as such."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n#: a.py:1\nmsgid "one"\nmsgstr "un"\n\n'
        '#: a.py:2\n#, fuzzy\nmsgid "two"\nmsgstr "deux"\n\n#: a.py:3\nmsgid ""\n"th"\n"ree"\n'
        'msgstr ""\n',
        encoding="utf-8",
    )
    assert read_po(po) == {"one": ("un", False), "two": ("deux", True), "three": ("", False)}


@pytest.mark.parametrize("app", ["django_fsm", "django_fsm_log", "django_xworkflows"])
def test_compatibility_apps_ship_their_own_catalogues(app: str) -> None:
    """The drop-in apps are translated without statecore_django in INSTALLED_APPS.

    Django reads the ``locale`` directory of each installed app, so these apps, which a
    project may install alone, carry a compiled catalogue of their own.
    """
    from django.apps import apps

    path = Path(apps.get_app_config(app).path)
    for language in LANGUAGES:
        assert (path / "locale" / language / "LC_MESSAGES" / "django.mo").is_file()


@pytest.mark.parametrize(
    ("language", "refused"),
    [
        ("fr", "Avancer refusé : Les données de contexte ne sont pas du JSON"),
        ("de", "Weiterschalten abgelehnt: Die Kontextdaten sind kein JSON"),
    ],
)
def test_definitions_admin_speaks_french_and_german(language: str, refused: str) -> None:
    """The instance page's labels and a refused operation's message are translated."""
    instance = services.start(
        import_definition(claim_processing()).definition, Claim.objects.create()
    )
    user = User.objects.create_superuser("boss", password="pw")
    client = Client()
    client.force_login(user)
    with override_settings(LANGUAGE_CODE=language):
        page = client.get(
            reverse("admin:statecore_definitions_workflowinstance_change", args=[instance.pk])
        ).content.decode()
        url = reverse("admin:statecore_definitions_workflowinstance_operate", args=[instance.pk])
        done = client.post(url, {"operation": "advance", "context": "{oops"}, follow=True)
    labels = {"fr": "Données de contexte (JSON)", "de": "Kontextdaten (JSON)"}
    assert labels[language] in page
    assert "Context data" not in page
    assert [str(m) for m in done.context["messages"]][-1].startswith(refused)


@pytest.mark.urls("tests.django.restapp.api")
@pytest.mark.parametrize(
    ("language", "detail"),
    [
        (
            "fr",
            "La transition « ship » n’est pas possible depuis l’état « draft » de Ticket #{pk}"  # noqa: RUF001
            " ; possibles : place, cancel.",
        ),
        (
            "de",
            "Der Übergang „ship“ ist im Zustand „draft“ von Ticket #{pk} nicht verfügbar;"
            " verfügbar: place, cancel.",
        ),
        ("en", "Transition 'ship' is not available from state 'draft' of Ticket #{pk}"),
    ],
)
def test_rest_refusal_detail_follows_the_language(language: str, detail: str) -> None:
    """The ``detail`` of a 409 is in the active language; English keeps the core message."""
    from rest_framework.test import APIClient

    ticket = Ticket.objects.create()
    client = APIClient()
    client.force_authenticate(User.objects.create(username="clerk"))
    with translation.override(language):
        response = client.post(f"/api/tickets/{ticket.pk}/transitions/ship/", {}, format="json")
    assert response.status_code == 409
    assert response.data["detail"].startswith(detail.format(pk=ticket.pk))
    assert response.data["code"] == "not_available"


@pytest.mark.parametrize(
    ("language", "block", "column"),
    [("fr", "Transition (state)", "État cible"), ("de", "Übergang (state)", "Zielzustand")],
)
def test_django_fsm_admin_speaks_french_and_german(language: str, block: str, column: str) -> None:
    """The change page's transition row, the log column and the refusal are translated."""
    article = Article.objects.create(title="t")
    client = boss()
    change = reverse("admin:fsmapp_article_change", args=[article.pk])
    with override_settings(LANGUAGE_CODE=language):
        page = client.get(change).content.decode()
        inline = "django_fsm_log-statelog-content_type-object_id"
        data = {
            "title": "t",
            "state": "draft",
            "_fsm_transition_to": "redraft",
            f"{inline}-TOTAL_FORMS": "0",
            f"{inline}-INITIAL_FORMS": "0",
        }
        refused = client.post(change, data, follow=True)
    assert block in page
    assert column in page
    messages = [str(m) for m in refused.context["messages"]]
    expected = {
        "fr": "La transition FSM « redraft » n’est pas autorisée.",  # noqa: RUF001
        "de": "FSM-Übergang „redraft“ ist nicht erlaubt.",
    }
    assert expected[language] in messages


def refusals() -> list[Any]:
    """One exception of each refusal code, as the core raises them."""
    import statecore

    ticket = Ticket(pk=7)
    common = {"transition": "ship", "state": "draft", "instance": ticket}
    reason = statecore.Reason("condition", "paid", "condition 'paid' is not met")
    return [
        statecore.UnknownTransitionError("no ship", name="ship", workflow=type(ticket)),
        statecore.TransitionPermissionDenied(
            "denied", **common, user=None, permission="x", reasons=(reason,)
        ),
        statecore.InvalidTransitionError("not here", **common, available=("place",)),
        statecore.ConcurrentTransition(
            "raced", transition="ship", instance=ticket, expected="draft", actual="placed"
        ),
        statecore.ForbiddenTransition("refused", **common, reasons=(reason,)),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_refusal_code_has_a_sentence_in_french_and_german(language: str) -> None:
    """Each refusal's ``detail`` is the translated sentence with the transition's data."""
    from statecore_django.rest import refusal

    with translation.override(language):
        details = [refusal(exc).detail["detail"] for exc in refusals()]
    for detail, exc in zip(details, refusals(), strict=True):
        assert detail != str(exc)
        assert "ship" in detail
    assert "placed" in details[3]
    assert "condition 'paid' is not met" in details[4]
    with translation.override("en"):
        assert [refusal(exc).detail["detail"] for exc in refusals()][2] == "not here"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ("journal des transitions XWorkflow", "auteur", "État cible")),
        ("de", ("XWorkflow-Übergangsprotokoll", "Autor", "Zielzustand")),
    ],
)
def test_compatibility_log_models_are_translated(
    language: str, expected: tuple[str, str, str]
) -> None:
    """The django_xworkflows and django_fsm_log log models name themselves in the language."""
    from statecore_django.compat.django_fsm_log.models import StateLog
    from statecore_django.compat.django_xworkflows.xworkflow_log.models import (
        TransitionLog as XTransitionLog,
    )

    with translation.override(language):
        names = (
            str(XTransitionLog._meta.verbose_name),
            str(XTransitionLog._meta.get_field("user").verbose_name),
            str(StateLog._meta.get_field("state").verbose_name),
        )
    assert names == expected
