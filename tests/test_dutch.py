"""Dutch throughout: every page and panel on the demo data, in Dutch, shows no English interface text.

The check takes every text of our own catalog whose Dutch differs from its English, removes the user data (the
demo journeys are English), and looks for what is left in the visible text of the Dutch page: text nodes, the
attributes people read or hear (aria-label, title, placeholder, alt, confirm dialogs) and the data-* messages the
scripts show.
"""

from __future__ import annotations

import gettext
import re
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation.reloader import translation_file_changed

from demo.data import DEMO_TITLE, load_demo
from exchange import services as exchange
from journeys import lens, mirror, services
from journeys.models import Department, Event, Handoff, Journey, LensQuestion, PainPoint, PainPointActivity, Step
from tests.factories import make_user
from workshops import services as workshop_services

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
# Not interface text: the product's name, and the column names a customer-indicator CSV must have in any language.
UNTRANSLATED_BY_DESIGN = ["Journey Board", "step,score,responses", "step, score, responses"]
# The data-* attributes whose text the scripts show or announce.
MESSAGE_DATA = ("data-msg", "data-label", "data-copy", "data-summary", "data-live", "data-offline")
READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "hx-confirm", "aria-description"}


@pytest.fixture(scope="session", autouse=True)
def compiled_catalog() -> dict:
    """The project's Dutch catalog, compiled here when a fresh clone has no .mo yet (or an outdated one)."""
    po, mo = LOCALE / "django.po", LOCALE / "django.mo"
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        call_command("compilemessages", locale=["nl"], ignore_patterns=[".venv", "staticfiles", "bench"], verbosity=0)
        translation_file_changed(sender=None, file_path=mo)  # forget catalogs loaded before the .mo existed
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


@pytest.fixture(autouse=True)
def back_to_the_default_language():
    """A Dutch request leaves Dutch active in this thread (LocaleMiddleware does not undo it); later tests expect
    English messages."""
    yield
    translation.deactivate()


class VisibleText(HTMLParser):
    """What a person reads or hears on the page; script and style bodies are not."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden_depth += 1
        is_button = tag == "input" and dict(attrs).get("type") in ("submit", "button")
        for name, value in attrs:
            if value and (name in READ_ATTRIBUTES or name.startswith(MESSAGE_DATA) or (is_button and name == "value")):
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " \n ".join(" ".join(part.split()) for part in parser.parts)


def user_data() -> list[str]:
    """Everything people typed (or the demo typed for them): it stays in the language it was written in."""
    texts: list[str] = []
    texts += Journey.objects.values_list("title", flat=True)
    texts += Journey.objects.values_list("description", flat=True)
    texts += Step.objects.values_list("title", flat=True)
    texts += Step.objects.values_list("description", flat=True)
    texts += PainPoint.objects.values_list("text", flat=True)
    texts += PainPoint.objects.values_list("fix_description", flat=True)
    texts += PainPoint.objects.values_list("resolution", flat=True)
    texts += PainPointActivity.objects.values_list("text", flat=True)
    texts += Handoff.objects.values_list("label", flat=True)
    texts += Department.objects.values_list("name", flat=True)
    texts += after_the_workshop_user_data()
    for user in get_user_model().objects.all():
        texts += [user.get_full_name(), user.username]
    texts += UNTRANSLATED_BY_DESIGN
    return sorted({" ".join(text.split()) for text in texts if text.strip()}, key=len, reverse=True)


def after_the_workshop_user_data() -> list[str]:
    """What people typed into comments, notifications (their text is the pain point's or comment's), reports from
    outside the workshop and shared fixes."""
    from comments.models import StepComment
    from fixes.models import Fix
    from intake.models import Report
    from notifications.models import Notification

    texts: list[str] = []
    texts += Report.objects.values_list("text", flat=True)
    texts += Report.objects.values_list("reporter_name", flat=True)
    texts += Report.objects.values_list("reason", flat=True)
    texts += Fix.objects.values_list("title", flat=True)
    texts += Fix.objects.values_list("description", flat=True)
    texts += StepComment.objects.values_list("text", flat=True)
    texts += Notification.objects.values_list("text", flat=True)
    texts += Notification.objects.exclude(kind="report_outcome").values_list("detail", flat=True)
    return texts


def without_user_data(text: str) -> str:
    for data in user_data():
        text = re.sub(rf"(?<!\w){re.escape(data)}(?!\w)", " ", text)
    return text


def english_fragments(catalog: dict) -> dict[str, str]:
    """English fragment -> the msgid it comes from, for every text whose Dutch is not the same."""
    dutch_forms: dict[str, list[str]] = {}
    for key, dutch in catalog.items():
        if key:
            english = (key[0] if isinstance(key, tuple) else key).split("\x04")[-1]  # without a message context
            dutch_forms.setdefault(english, []).append(dutch.lower())
    fragments: dict[str, str] = {}
    for english, forms in dutch_forms.items():
        if english.strip().lower() in [form.strip() for form in forms]:
            continue
        for fragment in PLACEHOLDER.split(english):
            fragment = " ".join(fragment.split()).strip(" .,:;·()—–-")
            if re.search(r"[A-Za-z]{3,}", fragment) and not any(fragment.lower() in form for form in forms):
                fragments[fragment] = english
    return fragments


def english_left(html: str, catalog: dict) -> list[str]:
    text = without_user_data(visible_text(html))
    return sorted(
        f"{fragment!r} (from {msgid!r})"
        for fragment, msgid in english_fragments(catalog).items()
        if re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", text)
    )


@pytest.fixture
def demo(settings) -> Journey:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    journey = load_demo().journey
    _workshop_in_full_swing(journey)
    return journey


def _workshop_in_full_swing(journey: Journey) -> None:
    """Every workshop tool showing its busiest state: estimates revealed, a score, a vote with tallies, a timer."""
    anna = get_user_model().objects.get(username="anna")
    bram = get_user_model().objects.get(username="bram")
    steps = list(journey.steps.order_by("position"))
    mirror.mirror_estimates_give(journey=journey, actor=bram, scores={steps[0].pk: 7, None: 6})
    mirror.customer_score_set(journey=journey, step=steps[0], score=Decimal("5.5"), responses=40, actor=anna)
    mirror.mirror_reveal(journey=journey, actor=anna)
    lens.lens_answer_save(step=steps[0], question=LensQuestion.objects.first(), note="Via the website", actor=anna)
    today = timezone.localdate()
    for days_ago, value in ((30, Decimal("61")), (0, Decimal("64.5"))):
        day = today - timedelta(days_ago)
        workshop_services.indicator_measurement_record(journey=journey, actor=anna, measured_on=day, value=value)
    voting = workshop_services.voting_round_start(journey=journey, actor=anna, dots_per_participant=3)
    workshop_services.dot_place(voting=voting, actor=bram, pain_point=journey.pain_points.filter(status="open")[0])
    workshop_services.voting_tallies_show(voting=voting, actor=anna, visible=True)
    workshop_services.timer_reset(journey=journey, actor=anna, duration_seconds=150)  # its field shows 2.5 minutes
    workshop_services.focus_set(journey=journey, actor=anna, step=steps[0])


def logged_in(username: str, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(get_user_model().objects.get(username=username))
    return client


def pages(journey: Journey) -> dict[str, tuple[str, str]]:
    """Name -> (user, url) of every page and panel people see during and after a workshop."""
    step = journey.steps.filter(pain_points__isnull=False).order_by("position").first()
    urls = {
        "journey list": ("anna", reverse("journey_list")),
        "board": ("anna", reverse("board", args=[journey.pk])),
        "board as participant": ("bram", reverse("board", args=[journey.pk])),
        "step drawer": ("anna", reverse("step_detail", args=[journey.pk, step.pk])),
        "customer lens": ("anna", reverse("lens_section", args=[journey.pk, step.pk])),
        "mirror survey": ("anna", reverse("mirror_survey", args=[journey.pk])),
        "projector": ("anna", reverse("workshop_projector", args=[journey.pk])),
        "import": ("anna", reverse("journey_import")),
        "copy": ("anna", reverse("journey_copy", args=[journey.pk])),
        "dashboard": ("eva", reverse("dashboard")),
        "invitations": ("anna", reverse("journey_invite", args=[journey.pk])),
        "flow view": ("anna", reverse("journey_flow", args=[journey.pk])),
        "routes editor": ("anna", reverse("step_routes", args=[journey.pk, step.pk])),
    }
    names = _url_names()
    if "my_pain_points" in names:  # the owners' list and one pain point's page (pain point lifecycle)
        urls["owners' list"] = ("bram", reverse("my_pain_points"))
        planned = journey.pain_points.exclude(target_date=None).first() or journey.pain_points.first()
        urls["pain point page"] = ("anna", reverse("pain_point_page", args=[journey.pk, planned.pk]))
        urls["pain point page as participant"] = ("bram", reverse("pain_point_page", args=[journey.pk, planned.pk]))
    if "my_pain_points_rows" in names:  # the live owners' list, and what a manager off the journey reads
        urls["owners' list rows"] = ("bram", reverse("my_pain_points_rows"))
        urls["owners' list as manager"] = ("eva", reverse("my_pain_points"))
        copy = exchange.journey_copy(journey=journey, actor=journey.created_by, title="Copy", include_pain_points=True)
        elsewhere = copy.pain_points.first()
        urls["pain point page, manager off the journey"] = (
            "eva",
            reverse("pain_point_page", args=[copy.pk, elsewhere.pk]),
        )
    if "notifications_inbox" in names:  # the bell's inbox and the notification settings (notifications)
        _one_notification_of_each_kind(journey, "carla")
        urls["notifications"] = ("carla", reverse("notifications_inbox"))
        urls["notification settings"] = ("carla", reverse("notification_preferences"))
    if "intake_queue" in names:  # reports from outside the workshop and their triage (intake)
        _reports_waiting(journey)
        urls["reports to triage"] = ("anna", reverse("intake_queue", args=[journey.pk]))
        urls["report form for colleagues"] = ("eva", reverse("intake_report", args=[_report_token(journey)]))
    if "fix_list" in names:  # shared fixes, shown on their pain points too (fixes)
        fix = _a_shared_fix(journey)
        urls["shared fixes"] = ("anna", reverse("fix_list"))
        urls["a shared fix"] = ("anna", reverse("fix_page", args=[fix.pk]))
    if "value_effort" in names:  # value versus effort (priorities)
        _one_scored(journey)
        urls["value versus effort"] = ("anna", reverse("value_effort", args=[journey.pk]))
    return urls


def _one_scored(journey: Journey) -> None:
    from priorities import services as priorities

    anna = get_user_model().objects.get(username="anna")
    pain_point = journey.pain_points.filter(status="open").order_by("pk").first()
    priorities.pain_point_score(pain_point=pain_point, actor=anna, customer_value=None, business_value=4, effort=2)


def _a_shared_fix(journey: Journey):
    from fixes import services as fixes
    from fixes.models import Fix

    found = Fix.objects.filter(title="Status").first()
    if found is not None:
        return found
    anna = get_user_model().objects.get(username="anna")
    fix = fixes.fix_create(actor=anna, title="Status", state="in_progress")
    fixes.fix_link(fix=fix, pain_point=journey.pain_points.filter(status="open").first(), actor=anna)
    return fix


def _reports_waiting(journey: Journey) -> None:
    from intake import services as intake

    if journey.reports.exists():
        return
    anna = get_user_model().objects.get(username="anna")
    step = journey.steps.order_by("position").first()
    intake.intake_settings_update(journey=journey, actor=anna, public_enabled=True, public_steps=[step])
    intake.report_submit(journey=journey, text="Confirmation arrives late", step=step, public=True)
    handled = intake.report_submit(journey=journey, text="Nobody calls back", step=None, public=True)
    intake.report_dismiss(report=handled, actor=anna, reason="Known", base_version=None)


def _report_token(journey: Journey) -> str:
    from intake import links

    return links.link_token(journey)


def _one_notification_of_each_kind(journey: Journey, username: str) -> None:
    from notifications.models import Kind, Notification
    from notifications.services import Draft, notifications_create

    if Notification.objects.filter(recipient__username=username).exists():
        return
    user = get_user_model().objects.get(username=username)
    pain_point = journey.pain_points.exclude(target_date=None).first()
    anna = get_user_model().objects.get(username="anna")
    for kind in Kind.values:  # one call each: a call tells a person of one subject once
        detail = "accepted" if kind == Kind.REPORT_OUTCOME else "Status in one system"
        draft = Draft(
            recipient_id=user.pk,
            kind=kind,
            actor_id=anna.pk,
            journey_id=journey.pk,
            pain_point_id=pain_point.pk,
            text=pain_point.text,
            detail=detail,
            url=f"/j/{journey.pk}/",
        )
        notifications_create(drafts=[draft])
    assert Notification.objects.filter(recipient=user).count() == len(Kind.values)


def _url_names() -> set[str]:
    from django.urls import get_resolver

    return {name for name in get_resolver().reverse_dict if isinstance(name, str)}


def test_every_page_of_the_demo_in_dutch_has_no_english_interface_text_left(demo, compiled_catalog):
    leftovers = {}
    for name, (username, url) in pages(demo).items():
        response = logged_in(username, "nl").get(url)
        assert response.status_code == 200, (name, response.status_code)
        assert response.headers["Content-Language"] == "nl", name
        html = response.content.decode()
        if found := english_left(html, compiled_catalog):
            leftovers[name] = found
    assert leftovers == {}, "\n".join(f"{page}: {found}" for page, found in leftovers.items())


def test_login_page_in_dutch_has_no_english_left(compiled_catalog):
    response = Client(HTTP_ACCEPT_LANGUAGE="nl").get(reverse("login"))
    assert "Inloggen" in response.content.decode()
    assert english_left(response.content.decode(), compiled_catalog) == []


def test_the_switch_in_the_header_turns_the_board_dutch_whatever_the_browser_asks(demo, compiled_catalog):
    client = logged_in("anna", "en")
    board = reverse("board", args=[demo.pk])
    assert 'lang="en"' in client.get(board).content.decode()

    switched = client.post(reverse("set_language"), {"language": "nl", "next": board})

    assert switched.status_code == 302 and switched.headers["Location"] == board
    html = client.get(board).content.decode()
    assert 'lang="nl"' in html
    assert "Stap toevoegen" in html
    assert english_left(html, compiled_catalog) == []
    assert 'lang="en"' in logged_in("anna", "en").get(board).content.decode()  # other people keep their language


def test_english_pages_are_english(demo, compiled_catalog):
    dutch_only = {
        dutch
        for key, dutch in compiled_catalog.items()
        if key and isinstance(key, str) and dutch.lower() != key.lower() and len(dutch) > 8 and "%" not in dutch
    }
    for name, (username, url) in pages(demo).items():
        html = without_user_data(visible_text(logged_in(username, "en").get(url).content.decode()))
        assert [dutch for dutch in dutch_only if dutch in html] == [], name
    board = logged_in("anna", "en").get(reverse("board", args=[demo.pk])).content.decode()
    assert "Add step" in board and 'lang="en"' in board


def test_the_english_check_finds_english_when_there_is_some(demo, compiled_catalog):
    english_board = logged_in("anna", "en").get(reverse("board", args=[demo.pk])).content.decode()
    found = english_left(english_board, compiled_catalog)
    assert any(item.startswith("'Add step'") for item in found)
    assert any(item.startswith("'Undo'") for item in found)


def test_dates_and_numbers_follow_the_language(demo, compiled_catalog):
    board = reverse("board", args=[demo.pk])
    dutch = logged_in("anna", "nl").get(board).content.decode()
    english = logged_in("anna", "en").get(board).content.decode()
    assert "64,5" in dutch and "64.5" in english  # the customer score of the demo workshop
    today = timezone.localdate()
    dutch_month = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"][today.month - 1]
    assert f"Gemeten op {today.day} {dutch_month} {today.year}" in dutch  # Dutch months are lower case
    assert f"Measured on {today.day} {today:%b} {today.year}" in english
    dashboard = logged_in("eva", "nl").get(reverse("dashboard")).content.decode()
    assert f"{today.day} {dutch_month} {today.year}" in visible_text(dashboard)


def test_the_screen_reader_summary_of_a_live_change_is_in_the_watchers_language(demo, compiled_catalog):
    from live.broadcast import push_frame

    event = Event.objects.filter(journey=demo, kind__startswith="step.").latest("seq")
    assert "heeft een stap gewijzigd" in push_frame(event, "nl")
    assert "changed a step" in push_frame(event, "en")


def test_every_catalog_entry_is_translated_and_keeps_its_placeholders():
    entries = (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n")[1:]
    assert entries and not [entry for entry in entries if "#, fuzzy" in entry]
    for entry in entries:
        if entry.startswith("#~"):
            continue
        msgids = re.findall(r'^msgid(?:_plural)? ((?:".*"\n?)+)', entry, re.M)
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', entry, re.M)
        english = "".join(re.findall(r'"(.*)"', "".join(msgids)))
        assert msgstrs and all(re.findall(r'"(.+)"', text) for text in msgstrs), f"untranslated: {english}"
        for text in msgstrs:
            dutch = "".join(re.findall(r'"(.*)"', text))
            assert sorted(set(PLACEHOLDER.findall(dutch))) == sorted(set(PLACEHOLDER.findall(english))), english


def test_a_new_user_without_a_journey_sees_dutch_too(compiled_catalog):
    user = make_user()
    client = Client(HTTP_ACCEPT_LANGUAGE="nl-NL,nl;q=0.9,en;q=0.5")
    client.force_login(user)
    html = client.get(reverse("journey_list")).content.decode()
    assert "Nieuwe klantreis beginnen" in html
    assert english_left(html, compiled_catalog) == []
    assert DEMO_TITLE not in html


def test_refusals_and_conflicts_are_dutch_too(demo, compiled_catalog):
    client = logged_in("bram", "nl")
    step = demo.steps.order_by("position").first()
    seen = step.version
    services.step_update(step=step, actor=step.journey.created_by, base_version=seen, title="Theirs")
    edit = reverse("step_edit", args=[demo.pk, step.pk])
    answers = {
        "empty title": client.post(reverse("step_create", args=[demo.pk]), {"title": " ", "op_id": "dutch-op-1"}),
        "stale edit": client.post(edit, {"title": "Mine", "base_version": seen, "op_id": "dutch-op-2"}),
        "stale move": client.post(
            reverse("step_move", args=[demo.pk, step.pk]),
            {"department": step.department_id, "base_version": seen, "op_id": "dutch-op-3"},
        ),
        "bad invite": client.get(reverse("journey_join", args=["no-such-invite"])),
        "nothing to redo": client.post(reverse("change_redo", args=[demo.pk]), {"op_id": "dutch-op-4"}),
    }
    assert {name: answer.status_code for name, answer in answers.items()} == {
        "empty title": 422,
        "stale edit": 409,
        "stale move": 409,
        "bad invite": 404,
        "nothing to redo": 409,
    }
    assert "Geef de stap een titel." in answers["empty title"].content.decode()
    assert "Iemand heeft dit gewijzigd" in answers["stale edit"].content.decode()
    assert "Deze uitnodigingslink werkt niet" in answers["bad invite"].content.decode()
    assert "Er is niets om opnieuw te doen." in answers["nothing to redo"].content.decode()
    leftovers = {name: english_left(answer.content.decode(), compiled_catalog) for name, answer in answers.items()}
    assert leftovers == {name: [] for name in answers}
    conflict = visible_text(answers["stale edit"].content.decode()) + visible_text(
        answers["stale move"].content.decode()
    )
    assert "Titel" in conflict and "Baan" in conflict and "Plaats na" in conflict
    for english_label in ("Title", "Description", "Duration", "Channel", "After", "Department"):
        assert english_label not in conflict


def test_the_admin_pages_of_journeys_and_pain_points_are_dutch(demo, compiled_catalog):
    admin = get_user_model().objects.create_superuser("beheer", "beheer@example.org", "beheer-pass-123")
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(admin)
    pain_point = demo.pain_points.filter(activities__isnull=False).first()
    urls = [
        reverse("admin:index"),
        reverse("admin:journeys_journey_change", args=[demo.pk]),
        reverse("admin:journeys_painpoint_changelist"),
        reverse("admin:journeys_painpoint_change", args=[pain_point.pk]),
        reverse("admin:journeys_step_changelist"),
    ]
    leftovers = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if found := english_left(response.content.decode(), compiled_catalog):
            leftovers[url] = found
    assert leftovers == {}
    change_page = visible_text(client.get(urls[3]).content.decode())
    assert "Gebeurtenissen bij pijnpunten" in change_page and "Status ervoor" in change_page


MACHINE_ATTRIBUTES = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height", "style", "viewBox"}
MACHINE_ATTRIBUTES |= {"value", "min", "max", "step", "stroke-width", "opacity", "fill-opacity", "points", "d"}


def is_decimal_comma_number(attribute: str, value: str) -> bool:
    """A data attribute holding one number written with a Dutch comma; lists of ids ("1,2") are not numbers."""
    is_list = attribute.endswith(("ids", "steps", "handoffs", "heat"))
    return not is_list and re.fullmatch(r"-?\d+,\d+", value) is not None


def test_numbers_for_the_browser_stay_unlocalised_in_dutch(demo, compiled_catalog):
    """A Dutch decimal comma in a coordinate, a style or a form value would break the map, the charts or the form."""
    urls = {name: page for name, page in pages(demo).items()}
    urls["map as SVG"] = ("anna", reverse("journey_export_svg", args=[demo.pk]))
    decimal_comma = re.compile(r"\d,\d")
    for name, (username, url) in urls.items():
        html = logged_in(username, "nl").get(url).content.decode()
        attributes = re.findall(r'\s([a-zA-Z-]+)="([^"]*)"', html)
        suspicious = [
            (attribute, value)
            for attribute, value in attributes
            if (attribute in MACHINE_ATTRIBUTES - {"points", "d"} and decimal_comma.search(value))
            or (attribute.startswith("data-") and is_decimal_comma_number(attribute, value))
        ]
        assert suspicious == [], name
        for attribute, value in attributes:
            if attribute in ("points", "d"):  # pairs are "x,y": a decimal comma would make three numbers of two
                assert not re.search(r"\d,\d+,\d", value), (name, attribute, value)
