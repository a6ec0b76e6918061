"""Report cards: what a card shows, the rendering job, verification on the platform host, and who may
download which card (another school's cards stay out of reach)."""

import hashlib

import pytest

from apps.results import report_cards as rc
from apps.results.models import ReportCard, TermResult
from tests.academics.factories import StreamFactory, TermFactory
from tests.results.test_report_cards_data import stream_make
from tests.support import ARTIFACTS


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def stream_results(in_school_a):
    term = TermFactory()
    stream = StreamFactory()
    students, results = stream_make(term=term, stream=stream, size=4)
    return term, stream, students, results


def test_a_card_shows_the_school_student_subjects_positions_attendance_and_qr(stream_results):
    term, stream, students, results = stream_results
    top = TermResult.objects.select_related("student", "stream__school_class", "scheme").get(
        term=term, position_in_stream=1)
    renderer = rc.ReportCardRenderer(term=term)
    [data] = rc.cards_data(term=term, results=[top])
    data.code = rc.verification_code_new(school_slug="school-a")
    data.url = rc.verification_url(data.code)
    html = renderer.html(data)
    assert top.student.full_name in html and top.student.admission_number in html
    assert "Basic Mathematics" in html and "1 of 4" in html and "data:image/png;base64," in html and data.url in html
    assert "Attendance rate" in html and "Grading key" in html
    pdf = renderer.pdf(data)
    assert pdf.startswith(b"%PDF")
    (ARTIFACTS / "report-card.pdf").parent.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report-card.pdf").write_bytes(pdf)
    (ARTIFACTS / "report-card.html").write_text(html.replace("</head>", f"<style>{renderer.css_text}</style></head>"))
    document = renderer.document(html).render(stylesheets=[renderer.css], font_config=renderer.font_config)
    assert len(document.pages) == 1, "a report card fits on one A4 page"
    # the card read as XML with its slim user-agent stylesheet lays out exactly as WeasyPrint's own
    # HTML5 parser and user-agent stylesheet lay it out
    standard = renderer.document(html, slim_ua=False, xml=False).render(stylesheets=[renderer.css],
                                                                        font_config=renderer.font_config)
    assert _boxes(document) == _boxes(standard)
    assert rc._xml_root(html) is not None, "the card is read as XML"


def test_a_name_that_is_not_well_formed_xml_still_renders_through_the_html_parser(stream_results):
    term, stream, students, results = stream_results
    result = TermResult.objects.select_related("student", "stream__school_class", "scheme").filter(term=term).first()
    result.student.first_name = "Asha\x0b"  # a vertical tab pasted from a spreadsheet: not allowed in XML
    renderer = rc.ReportCardRenderer(term=term)
    [data] = rc.cards_data(term=term, results=[result])
    html = renderer.html(data)
    assert rc._xml_root(html) is None
    [pdf] = renderer.pdfs([data])
    assert pdf.startswith(b"%PDF")


def _boxes(document):
    found = []

    def walk(box):
        found.append((type(box).__name__, round(box.position_x, 2), round(box.position_y, 2),
                      round(box.width or 0, 2), round(box.height or 0, 2), getattr(box, "text", None),
                      box.style["font_weight"], box.style["font_size"], box.style["color"]))
        for child in getattr(box, "children", []):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return found


def _generate(term, stream, admin):
    from apps.jobs.services import job_run

    job = rc.report_cards_generate(term=term, stream=stream, actor=admin)
    return job_run(job_id=job.pk)


def test_the_job_stores_every_card_with_its_hash_and_reports_progress(stream_results, school_a, admin_a, media):
    term, stream, students, results = stream_results
    job = _generate(term, stream, admin_a)
    assert job.status == "succeeded", job.error
    assert job.result["ready"] == 4 and job.result["failed"] == 0
    assert job.progress == job.total == 4
    cards = list(ReportCard.objects.filter(term=term).select_related("student"))
    assert len(cards) == 4
    for card in cards:
        assert card.status == "ready" and card.job_id == job.pk and card.generated_at
        assert rc.verification_code_school_slug(card.verification_code) == school_a.slug
        assert card.file.name.startswith("report-cards/2026-term-1/form-1a/")
        stored = media / connection_schema() / card.file.name
        data = stored.read_bytes()
        assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == card.sha256
    # generating again keeps each card's code (printed cards keep verifying) and replaces the file
    codes = {c.pk: c.verification_code for c in cards}
    again = _generate(term, stream, admin_a)
    assert again.status == "succeeded"
    assert {c.pk: c.verification_code for c in ReportCard.objects.filter(term=term)} == codes
    assert len(list((media / connection_schema()).rglob("*.pdf"))) == 4


def connection_schema():
    from django.db import connection

    return connection.schema_name


def test_one_card_failing_does_not_stop_the_others(stream_results, media):
    term, stream, students, results = stream_results
    renderer = rc.ReportCardRenderer(term=term)
    victim = students[1]

    def render(data):
        if data.student.pk == victim.pk:
            raise ValueError("the logo could not be read")
        return renderer.pdf(data)

    outcome = rc.report_cards_render(term=term, stream=stream, renderer=renderer, render=render)
    assert outcome == {"ready": 3, "failed": 1, "total": 4}
    failed = ReportCard.objects.get(term=term, student=victim)
    assert failed.status == "failed" and "logo" in failed.error and not failed.file
    assert ReportCard.objects.filter(term=term, status="ready").count() == 3


def test_a_stream_is_rendered_as_one_document_and_split_into_each_card_s_own_pdf(stream_results, media):
    term, stream, students, results = stream_results
    renderer = rc.ReportCardRenderer(term=term)
    data = rc.cards_data(term=term, results=list(TermResult.objects.filter(term=term).select_related(
        "student", "stream__school_class", "scheme").order_by("position_in_stream")))
    for d in data:
        d.url = rc.verification_url(rc.verification_code_new(school_slug="school-a"))
    pdfs = renderer.pdfs(data)
    assert len(pdfs) == 4
    assert all(pdf.startswith(b"%PDF") for pdf in pdfs) and len(set(pdfs)) == 4
    outcome = rc.report_cards_render(term=term, stream=stream, renderer=renderer)
    assert outcome == {"ready": 4, "failed": 0, "total": 4}


def test_a_chunk_that_fails_as_one_document_is_rendered_card_by_card(stream_results, media):
    term, stream, students, results = stream_results
    renderer = rc.ReportCardRenderer(term=term)
    rendered = []

    def pdfs(cards):
        raise ValueError("the chunk failed")

    def pdf(data):
        rendered.append(data.student.pk)
        return b"%PDF-1.7 card"

    renderer.pdfs, renderer.pdf = pdfs, pdf
    outcome = rc.report_cards_render(term=term, stream=stream, renderer=renderer)
    assert outcome == {"ready": 4, "failed": 0, "total": 4} and sorted(rendered) == sorted(s.pk for s in students)


def test_generating_is_refused_without_computed_results(in_school_a, admin_a):
    from django.core.exceptions import ValidationError

    from apps.jobs.models import Job

    term = TermFactory()
    stream = StreamFactory()
    with pytest.raises(ValidationError) as error:
        rc.report_cards_generate(term=term, stream=stream, actor=admin_a)
    assert "compute the term's results first" in " ".join(error.value.messages)
    assert not Job.objects.filter(kind="results.report_cards").exists()


def test_verification_codes_name_the_school_and_nothing_else():
    code = rc.verification_code_new(school_slug="st-mary-s")
    assert rc.verification_code_school_slug(code) == "st-mary-s"
    assert len(code) <= 64 and code.count("-") == 3
    assert rc.verification_code_school_slug("nonsense") is None
    assert rc.verification_code_school_slug("-" + "x" * 20) is None


def test_a_subject_field_too_long_for_its_column_is_shortened_to_fit_and_the_fields_stay_apart(stream_results):
    term, stream, students, results = stream_results
    result = TermResult.objects.select_related("student", "stream__school_class", "scheme").filter(term=term).first()
    renderer = rc.ReportCardRenderer(term=term)
    [data] = rc.cards_data(term=term, results=[result])
    row = data.subjects[0]
    row.subject.name = "Information and Communication\tTechnology for Secondary Schools"
    row.remark = "Needs to revise the whole syllabus\nwith the class teacher"
    names, values = renderer.subject_columns(data)
    name, code = names.split("\n")[0].split("\t")
    assert name.startswith("Information and Comm") and name.endswith("…") and "\t" not in name
    assert renderer.fitter.width(name, rc.SUBJECT_TEXT_PT) <= rc.NAME_PT
    assert code == row.subject.code
    remark = values.split("\n")[0].split("\t")[3]
    assert remark.startswith("Needs to revise") and remark.endswith("…") and "\n" not in remark
    assert renderer.fitter.width(remark, rc.SUBJECT_TEXT_PT) <= rc.REMARK_PT
    assert len(names.split("\n")) == len(values.split("\n")) == len(data.subjects)
    # a short field is left as it is
    assert renderer.fitter.fit("Civics", rc.NAME_PT) == "Civics"


def test_shared_line_layouts_and_the_paused_collector_change_no_byte_of_the_cards(stream_results):
    """`pdfs` reuses the layout of a line another card of the chunk already laid out (same text, style
    and width): the PDFs are those rendered without it, byte for byte but for their dates and ids."""
    import re

    from weasyprint.layout import inline

    term, stream, students, results = stream_results
    rows = list(TermResult.objects.select_related("student", "stream__school_class", "scheme").filter(term=term))
    renderer = rc.ReportCardRenderer(term=term)
    cards = rc.cards_data(term=term, results=rows)
    for card in cards:
        card.url = rc.verification_url(f"school-a-{card.student.pk:020d}")
    with rc.tabs_drawn_true():
        plain = renderer._pdfs(cards)
    shared = renderer.pdfs(cards)
    assert inline.split_first_line is rc._split_first_line_shared  # installed, and a call-through outside pdfs

    def undated(pdf):
        return re.sub(rb"/(CreationDate|ModDate) \(.*?\)|/ID \[.*?\]", b"", pdf)

    assert len(shared) == len(plain) == len(rows) >= 2
    assert [undated(pdf) for pdf in shared] == [undated(pdf) for pdf in plain]
    assert rc._shared.memo is None


def test_a_tab_is_drawn_as_wide_as_it_was_laid_out():
    """WeasyPrint 70 draws a tab's empty glyph 1024/1000 too wide; while cards render, it is drawn at
    the width Pango laid it out at: a 100px tab at a 10pt (13.33px) font is 7500 thousandths of an em."""
    import re

    from weasyprint import CSS, HTML

    def tab_advance():
        pdf = HTML(string="<p>\tB</p>").write_pdf(
            stylesheets=[CSS(string="p { white-space: pre; tab-size: 100px; font-size: 10pt }")],
            uncompressed_pdf=True)
        return float(re.search(rb"\[<>(-[0-9.]+)<", pdf).group(1))

    assert tab_advance() == pytest.approx(-7680, abs=1)  # outside the cards' rendering, WeasyPrint's own
    with rc.tabs_drawn_true():
        assert tab_advance() == pytest.approx(-7500, abs=1)
    assert tab_advance() == pytest.approx(-7680, abs=1)
