"""Mirror survey: staff estimates hidden until revealed, customer scores by hand or CSV, the gap largest first."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from journeys import mirror
from journeys.errors import FacilitatorOnly
from journeys.models import CustomerScore, Event, MirrorEstimate, MirrorSurvey
from live import fragments
from tests.factories import give_estimates, make_journey, make_step, make_user

pytestmark = pytest.mark.django_db


def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def workshop():
    """A journey with a facilitator, two participants and three steps."""
    ann, bob = make_user("ann"), make_user("bob")
    journey = make_journey(members=[ann, bob])
    steps = [make_step(journey, title) for title in ("Web form", "Shared mailbox", "Callback")]
    return journey, journey.created_by, ann, bob, steps


def import_csv(journey, facilitator, text: str) -> int:
    return mirror.customer_scores_import(journey=journey, data=text.encode(), actor=facilitator)


def test_estimates_stay_hidden_until_the_facilitator_reveals_them(workshop, client):
    journey, facilitator, ann, bob, (form, mailbox, callback) = workshop
    give_estimates(journey, ann, {form.pk: 9, None: 8})
    give_estimates(journey, bob, {form.pk: 7})
    hidden = mirror.mirror_results(journey)
    assert not hidden.revealed and hidden.step_rows == [] and hidden.journey_row is None
    assert (hidden.estimate_count, hidden.estimators) == (3, 2)
    page = logged_in(client, bob).get(f"/j/{journey.pk}/mirror/").content.decode()
    assert "Staff view versus customer view" not in page
    board = client.get(f"/j/{journey.pk}/").content.decode()
    assert "3 estimates from 2 participants, hidden until the facilitator reveals them." in board

    mirror.mirror_reveal(journey=journey, actor=facilitator)
    shown = mirror.mirror_results(journey)
    form_row = next(row for row in shown.step_rows if row.step == form)
    assert (form_row.staff_mean, form_row.staff_count) == (8.0, 2)
    assert shown.journey_row.staff_mean == 8.0
    assert "Staff view versus customer view" in client.get(f"/j/{journey.pk}/mirror/").content.decode()


def test_estimates_cannot_change_after_the_reveal(workshop):
    journey, facilitator, ann, _bob, (form, *_rest) = workshop
    give_estimates(journey, ann, {form.pk: 9})
    mirror.mirror_reveal(journey=journey, actor=facilitator)
    with pytest.raises(ValidationError):
        give_estimates(journey, ann, {form.pk: 2})
    assert MirrorEstimate.objects.get().score == 9


def test_only_the_facilitator_reveals(workshop, client):
    journey, _facilitator, ann, _bob, _steps = workshop
    with pytest.raises(FacilitatorOnly):
        mirror.mirror_reveal(journey=journey, actor=ann)
    response = logged_in(client, ann).post(f"/j/{journey.pk}/mirror/reveal/", {"revealed": "1"})
    assert response.status_code == 403
    assert not mirror.survey_for(journey).revealed
    assert not Event.objects.filter(journey=journey, kind="mirror.revealed").exists()


def test_facilitator_reveals_over_http_and_the_panel_is_pushed(workshop, client):
    journey, facilitator, *_rest = workshop
    response = logged_in(client, facilitator).post(f"/j/{journey.pk}/mirror/reveal/", {"revealed": "1"})
    assert response.status_code == 302
    assert mirror.survey_for(journey).revealed
    assert Event.objects.filter(journey=journey, kind="mirror.revealed", targets={"mirror": True}).exists()


def test_gap_is_staff_minus_customers_largest_first(workshop):
    journey, facilitator, ann, bob, (form, mailbox, callback) = workshop
    give_estimates(journey, ann, {form.pk: 8, mailbox.pk: 6, callback.pk: 9})
    give_estimates(journey, bob, {form.pk: 8, mailbox.pk: 8, callback.pk: 9})
    import_csv(
        journey,
        facilitator,
        "step,score,responses\nWeb form,7.5,120\nShared mailbox,9,40\nCallback,4.2,88\n,6.1,300\n",
    )
    mirror.mirror_reveal(journey=journey, actor=facilitator)
    rows = mirror.mirror_results(journey).step_rows
    assert [(row.step, row.gap) for row in rows] == [(callback, 4.8), (mailbox, -2.0), (form, 0.5)]
    assert mirror.mirror_results(journey).journey_row.customer_score == Decimal("6.10")


def test_steps_without_both_sides_come_after_the_gaps(workshop):
    journey, facilitator, ann, _bob, (form, mailbox, callback) = workshop
    give_estimates(journey, ann, {mailbox.pk: 5})
    mirror.customer_score_set(journey=journey, step=mailbox, score=Decimal(6), responses=10, actor=facilitator)
    mirror.customer_score_set(journey=journey, step=callback, score=Decimal(3), responses=10, actor=facilitator)
    mirror.mirror_reveal(journey=journey, actor=facilitator)
    rows = mirror.mirror_results(journey).step_rows
    assert rows[0].step == mailbox and rows[0].gap == -1.0
    assert {row.step for row in rows[1:]} == {form, callback} and all(row.gap is None for row in rows[1:])


def test_csv_with_bad_rows_reports_each_by_line_and_imports_nothing(workshop):
    journey, facilitator, *_rest, (form, mailbox, callback) = workshop
    text = (
        "step,score,responses\n"
        "Web form,7.5,120\n"
        "No such step,5,10\n"
        "Shared mailbox,11,10\n"
        "Callback,seven,10\n"
        "Web form,6,10\n"
        f"{callback.pk},5,0\n"
        "Callback,5\n"
    )
    with pytest.raises(ValidationError) as caught:
        import_csv(journey, facilitator, text)
    problems = caught.value.messages
    assert [problem.split(":")[0] for problem in problems] == [f"Line {n}" for n in (3, 4, 5, 6, 7, 8)]
    assert "No such step" in problems[0]
    assert "already on line 2" in problems[3]
    assert not CustomerScore.objects.exists()
    assert not Event.objects.filter(kind="mirror.customer_scores_imported").exists()


def test_csv_needs_the_header_and_accepts_semicolons_and_decimal_commas(workshop):
    journey, facilitator, *_rest, (form, mailbox, callback) = workshop
    with pytest.raises(ValidationError, match="Line 1"):
        import_csv(journey, facilitator, "Web form,7,10\n")
    with pytest.raises(ValidationError):
        mirror.customer_scores_import(journey=journey, data=b"\xff\xfe bad", actor=facilitator)
    assert import_csv(journey, facilitator, "\ufeffStep;Score;Responses\nweb form;7,5;12\n\n") == 1
    assert CustomerScore.objects.get(step=form).score == Decimal("7.50")


def test_csv_import_over_http_shows_the_bad_lines(workshop, client):
    journey, facilitator, *_rest = workshop
    upload = SimpleUploadedFile("scores.csv", b"step,score,responses\nWeb form,0,3\n", content_type="text/csv")
    response = logged_in(client, facilitator).post(f"/j/{journey.pk}/mirror/import/", {"file": upload})
    assert response.status_code == 422
    assert "Line 2: The score must be from 1 to 10." in response.content.decode()
    assert not CustomerScore.objects.exists()


def test_participants_cannot_enter_or_import_customer_scores(workshop, client):
    journey, _facilitator, ann, _bob, (form, *_rest) = workshop
    client = logged_in(client, ann)
    response = client.post(f"/j/{journey.pk}/mirror/customer-score/", {"step": form.pk, "score": "7", "responses": "3"})
    assert response.status_code == 403
    upload = SimpleUploadedFile("s.csv", b"step,score,responses\nWeb form,7,3\n")
    assert client.post(f"/j/{journey.pk}/mirror/import/", {"file": upload}).status_code == 403
    assert client.post(f"/j/{journey.pk}/mirror/customer-score/", {"score": "bad"}).status_code == 403
    assert not CustomerScore.objects.exists()


def test_estimates_over_http_are_saved_and_a_bad_score_changes_nothing(workshop, client):
    journey, _facilitator, ann, _bob, (form, mailbox, _callback) = workshop
    client = logged_in(client, ann)
    url = f"/j/{journey.pk}/mirror/estimates/"
    assert client.post(url, {f"step-{form.pk}": "9", "journey": "7", "op_id": "abcdef123456"}).status_code == 302
    assert client.post(url, {f"step-{form.pk}": "9", "journey": "7", "op_id": "abcdef123456"}).status_code == 302
    assert mirror.estimates_of(journey, ann) == {form.pk: 9, None: 7}
    assert Event.objects.filter(journey=journey, kind="mirror.estimated").count() == 1  # the replay applied once
    assert client.post(url, {f"step-{form.pk}": "11"}).status_code == 422
    assert client.post(url, {f"step-{form.pk}": "", "journey": "7"}).status_code == 302
    assert mirror.estimates_of(journey, ann) == {None: 7}


def test_the_estimate_rows_of_an_open_page_hold_the_participant_s_own_estimates_only(workshop, client):
    journey, _facilitator, ann, bob, (form, mailbox, callback) = workshop
    give_estimates(journey, ann, {form.pk: 4})
    give_estimates(journey, bob, {mailbox.pk: 9})
    make_step(journey, "Letter")

    html = logged_in(client, ann).get(f"/j/{journey.pk}/mirror/estimates/").content.decode()

    assert 'id="mirror-estimate-rows"' in html and "Letter" in html
    assert '<option value="4" selected>4</option>' in html.split(f'id="id_step-{form.pk}"', 1)[1].split("</select>")[0]
    assert '<option value="9" selected>' not in html  # Bob's estimate stays his


def test_the_estimate_rows_of_another_journey_are_not_found(workshop, client):
    journey, *_rest = workshop
    outsider = make_user("outsider")
    assert logged_in(client, outsider).get(f"/j/{journey.pk}/mirror/estimates/").status_code == 404


def test_estimate_for_a_step_of_another_journey_is_refused(workshop):
    journey, _facilitator, ann, *_rest = workshop
    elsewhere = make_step(make_journey())
    with pytest.raises(ValidationError):
        give_estimates(journey, ann, {elsewhere.pk: 5})
    assert not MirrorEstimate.objects.exists()


def test_non_member_gets_404_for_every_mirror_url(workshop, client):
    journey, *_rest = workshop
    client = logged_in(client, make_user())
    assert client.get(f"/j/{journey.pk}/mirror/").status_code == 404
    for action in ("estimates", "customer-score", "import", "reveal"):
        assert client.post(f"/j/{journey.pk}/mirror/{action}/", {}).status_code == 404
    assert not Event.objects.filter(kind__startswith="mirror").exists()


def test_reading_the_results_writes_nothing(workshop, client):
    journey, _facilitator, ann, *_rest = workshop
    mirror.mirror_results(journey)
    logged_in(client, ann).get(f"/j/{journey.pk}/")
    assert not MirrorSurvey.objects.exists()


def test_reveal_pushes_the_panel_with_the_largest_gaps(workshop):
    journey, facilitator, ann, _bob, (form, mailbox, callback) = workshop
    give_estimates(journey, ann, {form.pk: 9, mailbox.pk: 5})
    import_csv(journey, facilitator, "step,score,responses\nWeb form,4,10\nShared mailbox,6,10\n")
    before = fragments.render_changes(journey, {"mirror": True})
    assert "customers 4.0" not in before and "2 estimates from 1 participant" in before
    mirror.mirror_reveal(journey=journey, actor=facilitator)
    after = fragments.render_changes(journey, {"mirror": True})
    assert after.index("staff 9.0 · customers 4.0 (+5.0)") < after.index("staff 5.0 · customers 6.0 (-1.0)")
