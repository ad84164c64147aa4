"""The steering report: built from every part, as a page, a PDF and a data annex.

The rich pilot is the evaluation's small world with real history (tests/pilots/
evaluation_world): two pilot and two comparison communities with activity before and during
the pilot, support logged. The empty pilot is planned, with nothing measured yet.
"""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from rucher.pilots import pdf, services
from rucher.pilots.report import build_report
from tests.pilots import evaluation_world as world

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich(org, admin, project_lead):
    built = world.build(org, admin, project_lead)
    services.objective_create(
        actor=project_lead, pilot_id=built["pilot"].pk, title="More people take part"
    )
    objective = built["pilot"].objectives.get()
    services.measure_add(
        actor=project_lead,
        objective_id=objective.pk,
        kind="kpi",
        kpi_key="contributor_rate",
        kpi_window=28,
        direction="up",
        target_value=0.6,
        target_date=built["pilot"].end_date,
    )
    return built


@pytest.fixture
def empty(project_lead):
    today = timezone.localdate()
    return services.pilot_create(
        actor=project_lead,
        name="Future pilot",
        purpose="Try the network with the sales teams.",
        start_date=today + datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=150),
    )


def _report(pilot, viewer):
    with translation.override("en"):
        return build_report(pilot, viewer)


# ---------------------------------------------------------------- the report


def test_rich_report_gathers_every_part(rich, project_lead):
    report = _report(rich["pilot"], project_lead)
    assert report.summary.has_data
    assert [row[0] for row in report.scope.communities.rows] == ["Community A", "Community B"]
    assert len(report.scope.comparison.rows) == 2
    assert report.objectives.rows[0][0] == "More people take part"
    assert report.support.total_hours == 14.0
    assert report.evaluation is not None and report.evaluation.has_data
    assert report.summary.verdicts, "the summary states the verdicts"
    keys = [chart.key for chart in report.charts]
    assert "support_by_month" in keys
    assert "support_per_community" in keys
    assert any(key.startswith("weekly_") for key in keys)
    assert all(not chart.empty for chart in report.charts)


def test_empty_pilot_says_so_plainly(empty, project_lead):
    report = _report(empty, project_lead)
    assert not report.summary.has_data
    assert "starts on" in report.summary.no_data_reason
    assert report.charts == []
    assert report.surveys == []
    assert report.support.sentence == "No support has been logged for this pilot."


# ---------------------------------------------------------------- the PDF


def test_pdf_inlines_the_charts_as_svg_and_lays_out_on_a4(rich, project_lead):
    report = _report(rich["pilot"], project_lead)
    with translation.override("en"):
        html = pdf.html(report)
        document = pdf.document(report, html)
        content = document.write_pdf()
    # Every chart went in as an inline SVG drawing with its title.
    assert html.count("<svg") == len(report.charts)
    assert "<?xml" not in html
    for chart in report.charts:
        assert f'data-testid="chart-{chart.key}"' in html
    assert "Support intensity per community" in html
    assert content.startswith(b"%PDF")
    # Cover, contents, then one page at least per section.
    assert len(document.pages) >= 2 + len(report.sections)
    page = document.pages[0]
    assert round(page.width) == 794 and round(page.height) == 1123  # A4 at 96 px per inch
    # The sections are PDF bookmarks (the reader's outline).
    titles = _bookmarks(document.make_bookmark_tree())
    assert "Summary" in titles and "Evaluation and biases" in titles
    # The contents give the page each section starts on (target-counter in the print CSS),
    # and every page after the cover has the pilot's name and its number in the footer.
    pages = [_texts(page._page_box) for page in document.pages]
    assert "STEERING REPORT" in pages[0]  # the cover (upper case by the print CSS)
    assert not any(text.startswith("Page 1 /") for text in pages[0])  # no footer on it
    contents = pages[1]
    where = contents[contents.index("Evaluation and biases") :]
    number = next(text for text in where if text.isdigit())
    assert "Evaluation and biases" in pages[int(number) - 1]
    assert f"Page {len(pages)} / {len(pages)}" in pages[-1]
    assert "Evaluation pilot" in pages[-1]


def _texts(box) -> list[str]:
    """The words laid out in a page box, in order (margin boxes included)."""
    found = [box.text] if hasattr(box, "text") else []
    for child in getattr(box, "children", []):
        found += _texts(child)
    return found


def _bookmarks(entries) -> list[str]:
    """Labels of WeasyPrint's bookmark tree: (label, target, children, state) tuples."""
    return [
        label for label, _t, children, _s in entries for label in [label, *_bookmarks(children)]
    ]


def test_pdf_of_an_empty_pilot_has_no_chart_and_says_why(empty, project_lead):
    report = _report(empty, project_lead)
    with translation.override("en"):
        html = pdf.html(report)
        content = pdf.render_pdf(report)
    assert "<svg" not in html
    assert "there is nothing to measure yet" in html
    assert content.startswith(b"%PDF")


def test_pdf_html_follows_the_language(empty, project_lead):
    with translation.override("fr"):
        html = pdf.html(build_report(empty, project_lead))
    assert '<html lang="fr">' in html


def test_pdf_loads_nothing_from_outside():
    fetcher = pdf.fetcher()
    for address in ("file:///etc/passwd", "http://example.com/tracker.png"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(address)
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"


# ---------------------------------------------------------------- pages and files


def test_report_page_and_its_files(rich, project_lead, client):
    """One world for the page, the PDF download in French and both annex files."""
    pilot = rich["pilot"]
    client.force_login(project_lead)
    response = client.get(reverse("pilots:report", args=[pilot.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="report-summary"' in body
    assert 'data-chart="chart-support-by-month-spec"' in body
    assert reverse("pilots:report_pdf", args=[pilot.slug]) in body
    assert "More people take part" in body

    response = client.get(
        reverse("pilots:report_pdf", args=[pilot.slug]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('.pdf"')
    assert response.content.startswith(b"%PDF")

    report = _report(pilot, project_lead)
    response = client.get(reverse("pilots:report_annex", args=[pilot.slug, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('.zip"')
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        support = next(name for name in names if name.endswith("-support.csv"))
        text = archive.read(support).decode("utf-8-sig")
    assert len(names) == len(report.tables())
    assert names[0] == "01-pilot-communities.csv"
    assert text.splitlines()[0].startswith("Community,Entries,Hours")
    assert "Community A,1,10.0" in text

    response = client.get(reverse("pilots:report_annex", args=[pilot.slug, "xlsx"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == len(report.tables())
    assert len(set(book.sheetnames)) == len(book.sheetnames)
    assert all(len(name) <= 31 for name in book.sheetnames)
    objectives = book[next(n for n in book.sheetnames if "Objectives" in n)]
    assert objectives["A1"].value == "Objective"
    assert objectives["A2"].value == "More people take part"


def test_empty_report_page(empty, project_lead, client):
    client.force_login(project_lead)
    response = client.get(reverse("pilots:report", args=[empty.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="report-no-data"' in body
    assert "data-chart=" not in body
    assert 'data-testid="report-no-charts"' in body
    response = client.get(reverse("pilots:report_annex", args=[empty.slug, "xlsx"]))
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames


def test_annex_of_an_unknown_format_is_missing(empty, project_lead, client):
    client.force_login(project_lead)
    response = client.get(reverse("pilots:report_annex", args=[empty.slug, "pdf"]))
    assert response.status_code == 404


# ---------------------------------------------------------------- who may read it


@pytest.fixture
def running(project_lead, communities, personas):
    """A light running pilot over the cast's open community: the animator animates it, the
    member is a beta user; results not published yet."""
    today = timezone.localdate()
    pilot = services.pilot_create(
        actor=project_lead,
        name="Light pilot",
        start_date=today - datetime.timedelta(days=20),
        end_date=today + datetime.timedelta(days=70),
    )
    services.pilot_community_add(
        actor=project_lead,
        pilot_id=pilot.pk,
        community_id=communities["open"].pk,
        reason="designated",
    )
    services.beta_users_add(actor=project_lead, pilot_id=pilot.pk, user_ids=[personas["member"].pk])
    services.pilot_set_status(actor=project_lead, pilot_id=pilot.pk, status="running")
    return pilot


def test_who_reads_the_report(running, client, personas, project_lead):
    urls = [
        reverse("pilots:report", args=[running.slug]),
        reverse("pilots:report_pdf", args=[running.slug]),
        reverse("pilots:report_annex", args=[running.slug, "csv"]),
    ]
    assert client.get(urls[0]).status_code == 302  # to the log-in page
    expected = {"outsider": 404, "guest": 404, "animator": 403, "member": 404, "admin": 200}
    for persona, status in expected.items():
        client.force_login(personas[persona])
        assert client.get(urls[0]).status_code == status, persona
        assert client.get(urls[2]).status_code == status, persona
    # Once the team publishes the results, beta users and the pilot community's animators
    # read the report too.
    services.pilot_publish_results(actor=project_lead, pilot_id=running.pk, published=True)
    for persona in ("animator", "member"):
        client.force_login(personas[persona])
        assert client.get(urls[0]).status_code == 200, persona
    client.force_login(personas["outsider"])
    assert client.get(urls[1]).status_code == 404


# ---------------------------------------------------------------- survey results


def test_survey_results_show_groups_at_the_minimum_size_only(personas, communities, org):
    """Six beta users answer (shown, with intervals and free text without names); one
    comparison person answers (hidden: fewer than the minimum group size)."""
    from rucher.pilots import surveys
    from tests.pilots import survey_cast

    lead = personas["project_lead"]
    pilot = survey_cast.make_pilot(personas, communities, org)
    testers = survey_cast.add_people(lead, pilot, org, 5, arm="pilot")
    others = survey_cast.add_people(lead, pilot, org, 2, arm="comparison")
    survey = surveys.survey_create(actor=lead, pilot_id=pilot.pk)
    wave = survey_cast.open_wave(lead, survey, kind="mid")
    for number, person in enumerate([personas["member"], *testers]):
        answers = survey_cast.full_answers(survey, likert=5 + number % 3, text=f"idea {number}")
        surveys.response_submit(user=person, wave_id=wave.pk, answers=answers)
    surveys.response_submit(
        user=others[0], wave_id=wave.pk, answers=survey_cast.full_answers(survey, text="secret")
    )
    report = _report(pilot, lead)
    [section] = report.surveys
    assert section.title.startswith("Mid-pilot")
    assert "Pilot: 6 of 6 invited answered" in section.responses
    assert section.results is not None and section.questions is not None
    shown = {(row[0], row[1]): row for row in section.results.rows}
    umux = next(row for key, row in shown.items() if key[1] == "Pilot" and "UMUX" in key[0])
    assert umux[2] == 6 and umux[3] is not None and umux[4] <= umux[3] <= umux[5]
    hidden = [row for row in section.results.rows if row[1] == "Comparison group"]
    assert hidden and all(row[2:6] == [None, None, None, None] for row in hidden)
    assert any("Comparison group" in note and "Fewer than" in note for note in section.hidden)
    answers = [text for _question, texts in section.free_text for text in texts]
    assert sorted(answers) == [f"idea {n}" for n in range(6)]
    assert "secret" not in answers
    assert any(chart.key.startswith("survey_") for chart in report.charts)
    assert section.results in report.tables() and section.questions in report.tables()


def test_report_in_the_api_has_the_verdicts_and_every_annex_table(rich, project_lead, client):
    client.force_login(project_lead)
    pilot = rich["pilot"]
    answer = client.get(f"/api/v1/pilots/{pilot.pk}/report", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200
    body = answer.json()
    assert body["has_data"] and body["verdicts"]
    report = _report(pilot, project_lead)
    assert [t["key"] for t in body["tables"]] == [t.key for t in report.tables()]
    communities = next(t for t in body["tables"] if t["key"] == report.scope.communities.key)
    assert [row[0] for row in communities["rows"]] == ["Community A", "Community B"]


def test_report_in_the_api_of_an_empty_pilot_says_why(empty, project_lead, client):
    client.force_login(project_lead)
    body = client.get(f"/api/v1/pilots/{empty.pk}/report").json()
    assert body["has_data"] is False and body["no_data_reason"]
