"""PDF report cards: what goes on a card (read set-based for a whole stream), how it is rendered,
the services that start and do the rendering job, the verification a QR code leads to, and who may
see which card.

Rendering: choices and what they were measured to be worth (`benchmarks/report_cards.py`: 100 cards
of 12 subjects on one process; CPU time per card, the fair "per core" figure on the shared 2-core build
machine, whose load makes single runs vary by +-20 %; docs/performance.md has the figures by round):

* One small vendored family, "Card Sans" (static/fonts/: a Latin subset of Liberation Sans for
  English, Kiswahili and other Latin-script names, regular + bold, 25 KB each; made by
  static/fonts/build_card_sans.py), loaded through @font-face, so the card looks the same on any
  server whatever fonts fontconfig has. Subsetting it (WeasyPrint's default) costs less CPU than
  `full_fonts=True` and keeps a card's PDF at ~23 KB instead of ~62 KB.
* One `ReportCardRenderer` per job holds what every card shares: the FontConfiguration (fonts
  loaded once), the parsed `weasyprint.CSS` (parsed once, with the school's colours), the compiled
  template, WeasyPrint's image `cache`, the logo as a data URI, the grading key, and the fonts'
  advance widths (`TextFitter`).
* A card's cost is WeasyPrint's work per box (cascade, line breaking through Pango, painting), so the
  card has few: ~170 boxes and ~55 text boxes. No floats or flexbox, class selectors only, newlines
  in one box rather than `<br>`s. The tables of the card are lines of text whose fields are a tab
  apart, each field shortened to fit its column (`TextFitter`; WeasyPrint's tab stops are whole CSS
  pixels, so CARD_LAYOUT sizes the columns from them): the subjects table is one row of two cells, a
  line per subject (name and code; score, grade, position and remark) instead of six cells per
  subject; the student panel and the summary are a line of labels and a line of values (the summary's
  six boxes empty cells under them); a signature line is one text, its rule the background.
* `CARD_UA_CSS`, a user-agent stylesheet of only the card's elements, replaces WeasyPrint's HTML5
  one (whose `::marker` and footnote rules match every element): the same layout box for box, ~20 %.
* The card's HTML is also well-formed XML, read by ElementTree's C parser instead of WeasyPrint's
  pure-Python HTML5 one (`document`; the same tree, compared box by box in the tests).
* The job renders each chunk of up to 25 cards of a stream (`stream_chunks`: a stream's chunks of
  even size) as ONE document (`pdfs`: the cascade setup, fonts and layout context shared) and writes
  each page as its card's own PDF (own title, own hash): far less CPU than card by card. A chunk that
  fails (or whose cards do not make exactly one page each) is rendered card by card, so a failure
  stays with its card. While a chunk renders, a line another card of the chunk already laid out
  (same text, style and width) reuses its layout (`line_breaks_shared`, ~12 %, the same bytes), and
  Python's cyclic collector waits (`collection_paused`, ~8 %).
* Tabs are drawn as wide as they were laid out (`tabs_drawn_true`: WeasyPrint 70 draws them 2.4 %
  too wide, which put fields up to ~2pt off their columns).
* The QR code is a PNG data URI with one pixel per module (scaled up unsmoothed), mask pattern 0 and
  built from the module matrix in one call (~1.5 ms; qrcode's mask search and drawing took ~7.5).
* WeasyPrint's INFO progress logging (7 lines a document) is off (config/settings/base.py).

Measured (three benchmark runs, each the median of three; CPU ms a card): the whole job (reads, render,
storage, rows) 39.5-47.3 (21-25 cards/s on one process); chunks as one document, the job's way, 35.0-42.6;
card by card 52.6-60.4; a plain `HTML(string=...).write_pdf()` of the same HTML 102-125. Before any of
this the whole job took 259 ms a card (3.8 cards/s).

Verification: `ReportCard.verification_code` is `<school slug>-<random token>` (the token never
holds a "-"), so /verify/<code>/ on the platform host finds the school from the code itself, with
no public lookup table, and reads the card inside that school's schema.
"""

import base64
import copy
import gc
import hashlib
import io
import logging
import mimetypes
import secrets
import threading
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.academics.models import SchoolClass, SchoolProfile, Stream, Student, Term
from apps.academics.selectors import teacher_stream_ids
from apps.accounts.roles import Role
from apps.audit.services import audit_record
from apps.results.models import GradingScheme, ReportCard, SubjectResult, TermResult

JOB_KIND = "results.report_cards"
logger = logging.getLogger(__name__)
FONTS_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
TOKEN_BYTES = 15  # 20 url-safe characters, 120 bits

# The user-agent stylesheet the card is rendered with, instead of WeasyPrint's HTML5 one: only the
# rules of the elements report_card.html uses. WeasyPrint's has ~250 rules, among them `::marker`,
# `::footnote-call` and `::note-call` rules that match every element, so every element got three
# extra pseudo-element styles computed; with this one the cascade is ~25 % of a card cheaper and the
# layout is the same box for box (tests/results/test_report_cards.py checks that).
CARD_UA_CSS = """
head, title, meta, style, script { display: none }
html, body, div, p, h1, h2, section, footer { display: block }
table { display: table; box-sizing: border-box; border-spacing: 2px; border-collapse: separate;
        text-indent: initial; border-color: gray }
thead { display: table-header-group; vertical-align: middle }
tbody { display: table-row-group; vertical-align: middle }
tr { display: table-row; vertical-align: inherit }
td, th { display: table-cell; vertical-align: inherit; padding: 1px; border-color: gray }
b, strong, th, h1, h2 { font-weight: bold }
i { font-style: italic }
small { font-size: smaller }
img { overflow: hidden }
br::before { content: "\\A"; white-space: pre-line }
"""


# --- verification codes ------------------------------------------------------------------------------

def verification_code_new(*, school_slug: str) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES).replace("-", "_")  # the last "-" separates the slug
    return f"{school_slug}-{token}"


def verification_code_school_slug(code: str) -> str | None:
    """The school slug a code names, or None when the code cannot be one of ours."""
    slug, sep, token = code.rpartition("-")
    if not sep or not slug or len(token) < 16 or len(code) > 64:
        return None
    return slug


def current_school_slug() -> str:
    """The slug of the school whose schema the connection is in (a schema_context gives no tenant row)."""
    from apps.platform.models import Tenant

    slug = getattr(getattr(connection, "tenant", None), "slug", None)
    if slug:
        return slug
    return Tenant.objects.filter(schema_name=connection.schema_name).values_list("slug", flat=True).first() \
        or connection.schema_name


def verification_url(code: str) -> str:
    host = settings.PLATFORM_HOST
    if host in ("localhost", "127.0.0.1") or host.endswith(".localhost"):
        return f"http://{host}:8000/verify/{code}/"
    return f"https://{host}/verify/{code}/"


# --- what goes on a card ------------------------------------------------------------------------------

def school_profile() -> SchoolProfile:
    """The school's profile row, or an unsaved one named after the school when none was made yet."""
    profile = SchoolProfile.objects.first()
    if profile is None:
        tenant = getattr(connection, "tenant", None)
        profile = SchoolProfile(name=getattr(tenant, "name", "") or _("School"))
    return profile


def initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha() and w.lower() not in ("of", "the", "and")]
    return "".join(w[0].upper() for w in words[:3]) or "S"


def attendance_summary(*, term: Term, student_ids) -> dict:
    """{student_id: {present, absent, late, excused, days, rate}} for the term, in one query."""
    from apps.attendance.models import AttendanceMark

    status = AttendanceMark.Status
    rows = (AttendanceMark.objects
            .filter(student_id__in=list(student_ids), register__date__gte=term.starts_on,
                    register__date__lte=term.ends_on, register__period__isnull=True)
            .values("student_id")
            .annotate(present=Count("id", filter=Q(status=status.PRESENT)),
                      absent=Count("id", filter=Q(status=status.ABSENT)),
                      late=Count("id", filter=Q(status=status.LATE)),
                      excused=Count("id", filter=Q(status=status.EXCUSED)),
                      days=Count("id")))
    summary = {}
    for row in rows:
        attended = row["present"] + row["late"]
        row["rate"] = round(100 * attended / row["days"], 1) if row["days"] else None
        summary[row.pop("student_id")] = row
    return summary


@dataclass
class CardData:
    """Everything one card shows (except what every card of the job shares)."""

    student: Student
    result: TermResult
    subjects: list = field(default_factory=list)
    attendance: dict | None = None
    code: str = ""
    url: str = ""


def cards_data(*, term: Term, results: list[TermResult]) -> list[CardData]:
    """The cards of these term results, read with a fixed number of queries whatever their number."""
    student_ids = [r.student_id for r in results]
    subjects: dict[int, list] = {sid: [] for sid in student_ids}
    for row in (SubjectResult.objects.filter(term=term, student_id__in=student_ids).select_related("subject")
                .order_by("subject__order", "subject__code")):
        subjects[row.student_id].append(row)
    attendance = attendance_summary(term=term, student_ids=student_ids)
    return [CardData(student=r.student, result=r, subjects=subjects[r.student_id],
                     attendance=attendance.get(r.student_id)) for r in results]


def _scheme_key(scheme: GradingScheme | None) -> dict:
    if scheme is None:
        return {"bands": [], "divisions": [], "name": ""}
    return {"name": scheme.name, "bands": list(scheme.bands.all()), "divisions": list(scheme.divisions.all())}


def _logo_data_uri(profile: SchoolProfile) -> str:
    if not profile.logo:
        return ""
    try:
        with profile.logo.open("rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    kind = mimetypes.guess_type(profile.logo.name)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def qr_data_uri(text: str) -> str:
    """The QR code of `text` as a PNG data URI, one pixel per module (a few hundred bytes; the card
    scales it up without smoothing). No files, no network; far cheaper to lay out and draw than an
    SVG path of one square per module. Mask pattern 0 (any mask is a valid code; qrcode's search for
    the "best" one scored all eight in Python, 3/4 of the time), and the PNG is built from the module
    matrix in one call rather than drawn module by module: ~1.5 ms instead of ~7.5."""
    import qrcode
    from PIL import Image

    qr = qrcode.QRCode(border=0, box_size=1, error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=0)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    size = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    buffer = io.BytesIO()
    Image.frombytes("L", (size, size), pixels).convert("1").save(buffer, format="PNG")
    return f"data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}"


def _colour_shades(hex_colour: str) -> dict:
    hex_colour = hex_colour if len(hex_colour) == 7 else "#1f4e79"
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))

    def mix(weight):  # towards white
        return "#%02x%02x%02x" % tuple(round(c + (255 - c) * weight) for c in (r, g, b))

    return {"primary": hex_colour, "tint": mix(0.88), "light": mix(0.6)}


# --- rendering -----------------------------------------------------------------------------------------

# Where the card's tab-aligned fields go (templates/results/pdf/report_card.css gets the figures through
# CARD_LAYOUT): the renderer shortens a field with "…" to what its column can take, so no field runs into
# the next and every tab lands on the next stop. WeasyPrint takes a tab-size in whole CSS pixels (3/4 pt),
# so the stops are whole pixels and the columns are sized from them.
PX = 0.75  # points in a CSS pixel
CONTENT_PT = 595.28 - 2 * 34.016  # A4 less the page's 12 mm side margins
NAMES_TAB_PX, VALUES_TAB_PX, STUDENT_TAB_PX, SUMMARY_TAB_PX = 186, 106, 173, 118
NAMES_TAB_PT, VALUES_TAB_PT = NAMES_TAB_PX * PX, VALUES_TAB_PX * PX  # 139.5pt, 79.5pt
STUDENT_TAB_PT, SUMMARY_TAB_PT = STUDENT_TAB_PX * PX, SUMMARY_TAB_PX * PX  # 129.75pt, 88.5pt
CODE_COLUMN_PT = 50.0
GAP_PT = 5.0  # at least this much room between a field and the next stop
SUBJECT_TEXT_PT = 8.6
NAME_PT, CODE_PT = NAMES_TAB_PT - 5 - GAP_PT, CODE_COLUMN_PT - 5 - 3  # after the cell's 5pt padding
VALUE_PT = VALUES_TAB_PT - GAP_PT
REMARK_PT = CONTENT_PT - NAMES_TAB_PT - CODE_COLUMN_PT - 3 * VALUES_TAB_PT - 5 - 5
SIGNER_TEXT_PT, SIGNER_PT = 7.4, 150.0  # the name on a signature line, before the rule at 170pt
SUMMARY_PAD_PT = 7.0
SUMMARY_FRAME_PT = 6 * SUMMARY_TAB_PT + 5  # six boxes 5pt apart (the outer spacing in the page margins)
SUMMARY_BOX_PT = SUMMARY_TAB_PT - 5
CARD_LAYOUT = {
    "names_tab": f"{NAMES_TAB_PX}px",
    "values_tab": f"{VALUES_TAB_PX}px",
    "student_tab": f"{STUDENT_TAB_PX}px",
    "summary_tab": f"{SUMMARY_TAB_PX}px",
    "subject_width": f"{NAMES_TAB_PT - 10:.2f}pt",  # the header cells' widths, less their 5pt padding
    "code_width": f"{CODE_COLUMN_PT:.2f}pt",
    "value_width": f"{VALUES_TAB_PT - 10:.2f}pt",
    "summary_pad": f"{SUMMARY_PAD_PT:.2f}pt",
    "frame_width": f"{SUMMARY_FRAME_PT:.2f}pt",
}


class TextFitter:
    """How wide a text is in a Card Sans face at a size (from the font's advance widths; kerning only
    ever narrows it), to shorten with "…" a field that would overrun its column."""

    def __init__(self, font_path: Path):
        from fontTools.ttLib import TTFont

        font = TTFont(str(font_path), lazy=True)
        metrics = font["hmtx"].metrics
        self.units = font["head"].unitsPerEm
        self.advance = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
        self.unknown = self.units  # a character the font lacks comes from another font: count a full em
        self._fitted: dict = {}

    def width(self, text: str, size: float, spacing: float = 0.0) -> float:
        return (sum(self.advance.get(ord(char), self.unknown) for char in text) * size / self.units
                + spacing * len(text))

    def fit(self, text: str, width: float, size: float = SUBJECT_TEXT_PT, spacing: float = 0.0,
            upper: bool = False) -> str:
        """`text` on one line (no tabs or newlines: they separate fields and lines), shortened with "…"
        to `width` at `size` (`spacing`: letter-spacing; `upper`: measured as text-transform shows it)."""
        key = (text, width, size, spacing, upper)
        if key not in self._fitted:
            fitted = " ".join(str(text).split())

            def wide(candidate):
                return self.width(candidate.upper() if upper else candidate, size, spacing) > width

            if wide(fitted):
                while fitted and wide(fitted + "…"):
                    fitted = fitted[:-1]
                fitted = fitted.rstrip() + "…"
            self._fitted[key] = fitted
        return self._fitted[key]

    def fields(self, texts, *, stop: float, size: float, spacing: float = 0.0, upper: bool = False,
               width: float | None = None, last: float | None = None) -> str:
        """Fields a tab apart, a tab stop each: each fitted to `width` (at most a stop less a gap), the
        last one to `last` (or `width`)."""
        texts = list(texts)
        width = min(width or stop, stop - GAP_PT)
        fitted = [self.fit(text, width, size, spacing, upper) for text in texts[:-1]]
        fitted.append(self.fit(texts[-1], last or width, size, spacing, upper))
        return "\t".join(fitted)


def _number(value, places) -> str:
    from django.template.defaultfilters import floatformat

    return floatformat(value, places)


def _xml_root(html: str):
    """The element tree of the card's HTML read as XML (from <html> on), or None when it is not
    well-formed XML."""
    from xml.etree import ElementTree

    try:
        return ElementTree.fromstring(html[html.index("<html"):])
    except (ValueError, ElementTree.ParseError):
        return None


_shared = threading.local()


def _split_first_line_shared(text, style, context, max_width, justification_spacing, is_line_start=True,
                             minimum=False):
    """WeasyPrint's `split_first_line` (Pango lays out the first line of a text box), answered from the
    thread's memo while `line_breaks_shared` is on, called straight through otherwise."""
    from weasyprint.text.line_break import split_first_line

    memo = getattr(_shared, "memo", None)
    if memo is None:
        return split_first_line(text, style, context, max_width, justification_spacing, is_line_start, minimum)
    key = (text, id(style), max_width, justification_spacing, is_line_start, minimum)
    found = memo.get(key)
    if found is None:  # the style is kept with the answer so that its id is not reused while the memo lives
        found = memo[key] = (split_first_line(text, style, context, max_width, justification_spacing,
                                              is_line_start, minimum), style)
    return found[0]


def _draw_first_line_true_tabs(stream, textbox, text_overflow, block_ellipsis, matrix):
    """WeasyPrint's `draw_first_line`, with the tabs of the card's tab-aligned lines drawn as wide as
    they were laid out: WeasyPrint 70 writes an empty glyph's advance (what Pango makes of a tab) as
    Pango units over the font size, as if there were 1000 units to a pixel rather than 1024, so every
    tab was drawn 2.4 % too wide and a field landed up to ~2pt right of its column. The line's tab
    glyphs are narrowed by 1000/1024 before it is drawn (the line is Pango's, laid out again for this
    draw), only while `tabs_drawn_true` is on in the thread."""
    from weasyprint.text.ffi import ffi, pango

    if getattr(_shared, "true_tabs", False) and "\t" in textbox.pango_layout.text:
        # draw_first_line sets single-paragraph mode first; set here, it does not lay the line out again
        pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
        line, _index = textbox.pango_layout.get_first_line()
        run = line.runs[0] if line.runs != ffi.NULL else ffi.NULL
        while run != ffi.NULL:
            glyphs = run.data.glyphs
            for info in glyphs.glyphs[0:glyphs.num_glyphs]:
                if info.glyph == pango.PANGO_GLYPH_EMPTY:
                    info.geometry.width = round(info.geometry.width * 1000 / 1024)
            run = run.next
    return _weasyprint_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)


_weasyprint_draw_first_line = None  # WeasyPrint's own, kept when the wrapper above is installed


@contextmanager
def line_breaks_shared():
    """While a chunk of cards is laid out, a text box whose text, computed style and width were laid
    out before (the labels, headings, grading key, subject names of every card of a stream) reuses
    that line's Pango layout instead of laying it out again: ~12 % of a card's CPU, and the same PDF
    byte for byte (tests/results/test_report_cards.py). WeasyPrint shares one style object between
    elements whose cascade is the same, so its id stands for the style within one document; the memo
    lives for one document only. Installed as WeasyPrint's inline layout's `split_first_line`, a plain
    call-through whenever no memo is on in the thread."""
    from weasyprint.layout import inline

    if inline.split_first_line is not _split_first_line_shared:
        inline.split_first_line = _split_first_line_shared
    outer, _shared.memo = getattr(_shared, "memo", None), {}
    try:
        yield
    finally:
        _shared.memo = outer


@contextmanager
def tabs_drawn_true():
    """The card's tabs drawn as wide as they were laid out (`_draw_first_line_true_tabs`, installed as
    WeasyPrint's `draw_first_line`: a plain call-through whenever this is not on in the thread)."""
    global _weasyprint_draw_first_line
    from weasyprint.draw import text as draw_text

    if draw_text.draw_first_line is not _draw_first_line_true_tabs:
        _weasyprint_draw_first_line = draw_text.draw_first_line
        draw_text.draw_first_line = _draw_first_line_true_tabs
    outer, _shared.true_tabs = getattr(_shared, "true_tabs", False), True
    try:
        yield
    finally:
        _shared.true_tabs = outer


@contextmanager
def collection_paused():
    """Python's cyclic garbage collector off while a chunk of cards is laid out and written. Layout
    makes tens of thousands of short-lived boxes, styles and cffi handles, which set off a young-
    generation collection every few hundred allocations (~8 % of a card's CPU); the chunk's garbage
    is reference-counted away or collected once when it is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class ReportCardRenderer:
    """Renders the cards of one school and term; build one per job and reuse it for every card."""

    def __init__(self, *, term: Term, profile: SchoolProfile | None = None, full_fonts: bool = False):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.term = term
        self.full_fonts = full_fonts  # True embeds the fonts whole (measured in benchmarks/report_cards.py)
        self.profile = profile or school_profile()
        self.font_config = FontConfiguration()
        self.image_cache: dict = {}
        self.colours = _colour_shades(self.profile.primary_colour)
        css = render_to_string("results/pdf/report_card.css",
                               {"colours": self.colours, "fonts": FONTS_DIR.as_uri(), "layout": CARD_LAYOUT})
        self.css_text = css
        self.template = get_template("results/pdf/report_card.html")  # compiled once, whatever the loaders
        self.css = CSS(string=css, font_config=self.font_config)
        self.ua_css = CSS(string=CARD_UA_CSS, font_config=self.font_config)
        self.shared = {
            "profile": self.profile,
            "initials": initials(self.profile.name),
            "logo": _logo_data_uri(self.profile),
            "term": term,
            "colours": self.colours,
        }
        self._keys: dict = {}
        self.fitter = TextFitter(FONTS_DIR / "CardSans-Regular.ttf")
        self.bold = TextFitter(FONTS_DIR / "CardSans-Bold.ttf")

    def student_lines(self, card: CardData) -> dict:
        """The student panel's lines (the name; labels and values a tab apart) and the summary strip's."""
        student, result, regular, bold = card.student, card.result, self.fitter, self.bold

        def number(value, places):
            return "—" if value is None else _number(value, places)

        def of(position, size):
            return _("%(p)s of %(n)s") % {"p": position, "n": size} if position else "—"

        panel_last = CONTENT_PT - 18 - 2 * STUDENT_TAB_PT
        summary_stop, summary_box = SUMMARY_TAB_PT, SUMMARY_BOX_PT - SUMMARY_PAD_PT - 3  # inside its box
        return {
            "student_name": bold.fit(student.full_name, CONTENT_PT - 18, 12.5),
            "student_labels": regular.fields((_("Admission no."), _("Class / stream"), _("Sex")),
                                             stop=STUDENT_TAB_PT, size=6.6, spacing=0.5, upper=True,
                                             last=panel_last - GAP_PT),
            "student_values": bold.fields((student.admission_number, result.stream.full_name,
                                           student.get_sex_display()), stop=STUDENT_TAB_PT, size=9.4,
                                          last=panel_last - GAP_PT),
            "summary_labels": regular.fields((_("Total"), _("Average"), _("Points"), _("Division"),
                                              _("Position in stream"), _("Position in class")),
                                             stop=summary_stop, size=6.2, spacing=0.2, upper=True,
                                             width=summary_box),
            "summary_values": bold.fields((number(result.total, 1), number(result.average, 1),
                                           number(result.points, "-2"), result.division or "—",
                                           of(result.position_in_stream, result.stream_size),
                                           of(result.position_in_class, result.class_size)),
                                          stop=summary_stop, size=12, width=summary_box),
        }

    def subject_columns(self, card: CardData) -> tuple[str, str]:
        """The subjects table's two columns of lines, a line per subject: name and code, then score,
        grade (points), position and remark, the fields of a line separated by tabs (the card's tab
        stops line them up under their headers): two text boxes a subject instead of six, the
        largest part of a card's layout. Each field is shortened to fit its column."""
        fit, names, values = self.fitter.fit, [], []
        for row in card.subjects:
            names.append(f"{fit(row.subject.name, NAME_PT)}\t{fit(row.subject.code, CODE_PT)}")
            if row.is_absent:
                score = _("Absent")
            elif row.score is None:
                score = "—"
            else:
                score = _number(row.score, 1)
            grade = row.grade or "—"
            if row.points is not None:
                grade = f"{grade} ({_number(row.points, '-2')})"
            position = (f"{row.position_in_stream} / {card.result.stream_size}" if row.position_in_stream
                        else "—")
            values.append("\t".join((fit(score, VALUE_PT), fit(grade, VALUE_PT), fit(position, VALUE_PT),
                                      fit(row.remark, REMARK_PT))))
        return "\n".join(names), "\n".join(values)

    def grading_key(self, scheme: GradingScheme | None) -> dict:
        key = scheme.pk if scheme else None
        if key not in self._keys:
            self._keys[key] = _scheme_key(scheme)
        return self._keys[key]

    def html(self, card: CardData) -> str:
        result = card.result
        names, values = self.subject_columns(card)
        teacher = result.stream.class_teacher
        teacher = (teacher.get_full_name() or str(teacher)) if teacher else ""
        return self.template.render({
            **self.shared,
            "student": card.student,
            "result": result,
            "stream": result.stream,
            "subjects": card.subjects,
            "subject_names": names,
            "subject_values": values,
            **self.student_lines(card),
            "class_teacher_name": self.fitter.fit(teacher, SIGNER_PT, SIGNER_TEXT_PT),
            "head_teacher_name": self.fitter.fit(self.profile.head_teacher_name, SIGNER_PT, SIGNER_TEXT_PT),
            "attendance": card.attendance,
            "key": self.grading_key(result.scheme),
            "code": card.code,
            "url": card.url,
            "qr": qr_data_uri(card.url) if card.url else "",
            "issued": timezone.localdate(),
        })

    def document(self, html: str, *, slim_ua: bool = True, xml: bool = True):
        """WeasyPrint's HTML object of a card, with the card's slim user-agent stylesheet.

        The card's HTML is also well-formed XML, so it is parsed by ElementTree's C parser (~0.3 ms a
        card) rather than WeasyPrint's pure-Python HTML5 parser (~4 ms): the same element tree (void
        tags closed, tbody written out; tests/results/test_report_cards.py compares the layouts box
        by box). Text that is not well-formed XML (a control character in a name) takes the HTML5
        parser, as `xml=False` does."""
        import cssselect2
        from weasyprint import HTML

        root = _xml_root(html) if xml else None
        if root is None:
            document = HTML(string=html, base_url=str(FONTS_DIR))
        else:
            document = HTML(string="<html></html>", base_url=str(FONTS_DIR))
            document.wrapper_element = cssselect2.ElementWrapper.from_html_root(root)
            document.etree_element = document.wrapper_element.etree_element
        if slim_ua:  # WeasyPrint asks the HTML object for its user-agent stylesheets
            document._ua_stylesheets = lambda forms=False: [self.ua_css]
        return document

    def pdf(self, card: CardData) -> bytes:
        with tabs_drawn_true():
            return self._pdf(card)

    def _pdf(self, card: CardData) -> bytes:
        return self.document(self.html(card)).write_pdf(
            stylesheets=[self.css], font_config=self.font_config, full_fonts=self.full_fonts,
            cache=self.image_cache, uncompressed_pdf=False)

    def pdfs(self, cards: list[CardData]) -> list[bytes]:
        """The PDFs of several cards, laid out as ONE document (a page per card; the cascade setup,
        fonts and layout context are shared), each page then written as its card's own PDF. Raises
        when anything fails or a card does not fill exactly one page: the caller then renders the
        cards one by one, so that a failure stays with its card."""
        with collection_paused(), line_breaks_shared(), tabs_drawn_true():
            return self._pdfs(cards)

    def _pdfs(self, cards: list[CardData]) -> list[bytes]:
        htmls = [self.html(card) for card in cards]
        head = htmls[0][:htmls[0].index("<body>")]
        bodies = "".join(h[h.index("<body>") + 6:h.rindex("</body>")] for h in htmls)
        document = self.document(f"{head}<body>{bodies}</body></html>").render(
            stylesheets=[self.css], font_config=self.font_config, cache=self.image_cache)
        if len(document.pages) != len(cards):
            raise ValueError(f"{len(cards)} cards laid out on {len(document.pages)} pages")
        pdfs = []
        for card, page in zip(cards, document.pages, strict=True):
            single = document.copy([page])
            single.metadata = copy.copy(document.metadata)
            single.metadata.title = f"{_('Report card')} — {card.student.full_name}"
            pdfs.append(single.write_pdf(full_fonts=self.full_fonts, uncompressed_pdf=False))
        return pdfs


def report_card_path(*, card: ReportCard, result: TermResult) -> str:
    term = card.term
    admission = slugify(card.student.admission_number.replace("/", "-")) or str(card.student_id)
    return (f"report-cards/{slugify(f'{term.year.name} {term.name}')}/"
            f"{slugify(result.stream.full_name)}/{admission}.pdf")


# --- services ------------------------------------------------------------------------------------------

def _scope_results(*, term: Term, stream: Stream | None, school_class: SchoolClass | None) -> QuerySet:
    results = TermResult.objects.filter(term=term)
    if stream is not None:
        return results.filter(stream=stream)
    if school_class is not None:
        return results.filter(school_class=school_class)
    return results


def stream_chunks(results: list[TermResult], *, size: int = 25):
    """The results in chunks of at most `size` cards laid out as one document: each chunk of one stream
    (its cards share the most lines: subject names, stream, teacher), a stream's chunks of even sizes
    (34 cards: 17 + 17, not 25 + 9, whose small chunk would carry a document's fixed cost alone)."""
    by_stream: dict = {}
    for result in results:
        by_stream.setdefault(result.stream_id, []).append(result)
    for rows in by_stream.values():
        step = -(-len(rows) // -(-len(rows) // size))
        for start in range(0, len(rows), step):
            yield rows[start:start + step]


def report_cards_generate(*, term: Term, stream: Stream | None = None, school_class: SchoolClass | None = None,
                          actor, request=None):
    """Start the job that renders the report cards of a stream, a whole class or (neither given) the
    whole school for a term. Refused when the term has no computed results for that scope."""
    from apps.jobs.services import job_start

    if stream is not None and school_class is not None and stream.school_class_id != school_class.pk:
        raise ValidationError(_("That stream is not in that class."), code="stream_not_in_class")
    if stream is not None:
        school_class = None
    count = _scope_results(term=term, stream=stream, school_class=school_class).count()
    if not count:
        raise ValidationError(_("There are no computed results for %(term)s here yet: compute the term's "
                                "results first.") % {"term": term}, code="no_results")
    scope = stream.full_name if stream else (school_class.name if school_class else _("the whole school"))
    scope = f"{scope}, {term.year.name} {term.name}"
    with transaction.atomic():
        job = job_start(kind=JOB_KIND, actor=actor, total=count,
                        params={"term_id": term.pk, "stream_id": getattr(stream, "pk", None),
                                "class_id": getattr(school_class, "pk", None), "scope": scope})
        audit_record(action="results.report_cards_generate", actor=actor, target=term,
                     detail={"scope": scope, "cards": count, "job": str(job.pk)}, request=request)
    return job


def report_cards_render(*, term: Term, stream: Stream | None = None, school_class: SchoolClass | None = None,
                        students=None, job=None, reporter=None, renderer: ReportCardRenderer | None = None,
                        chunk: int = 25, render=None) -> dict:
    """Render and store every card in scope (`students`: only those of these students): one card's
    failure is recorded on its row and the others go on. The cards of a chunk are laid out as one document (`ReportCardRenderer.pdfs`);
    when that fails, the chunk's cards are rendered one by one. `render(card_data) -> bytes`
    replaces the renderer (benchmarks, tests), card by card."""
    results = _scope_results(term=term, stream=stream, school_class=school_class)
    if students is not None:
        results = results.filter(student__in=students)
    results = (results
               .select_related("student", "stream__school_class", "stream__class_teacher", "scheme")
               .order_by("stream__school_class__level", "stream__name", "position_in_stream", "student__last_name"))
    results = list(results)
    if reporter is not None:
        reporter.set_total(len(results))
    renderer = renderer or ReportCardRenderer(term=term)
    batch_render = render is None  # a given `render` is called card by card
    render = render or renderer.pdf
    slug = current_school_slug()
    existing = {c.student_id: c for c in ReportCard.objects.filter(term=term, student_id__in=[r.student_id
                                                                                              for r in results])}
    ready = failed = 0
    for batch in stream_chunks(results, size=chunk):
        items = []
        for data in cards_data(term=term, results=batch):
            card = existing.get(data.student.pk) or ReportCard(
                term=term, student=data.student, verification_code=verification_code_new(school_slug=slug))
            card.term, card.student = term, data.student  # read already: no query per card for the path
            data.code = card.verification_code
            data.url = verification_url(card.verification_code)
            items.append((data, card))
        pdfs = [None] * len(items)
        if batch_render and items:  # the chunk as one document; on any failure, card by card below
            try:
                pdfs = renderer.pdfs([data for data, _card in items])
            except Exception:  # noqa: BLE001
                logger.warning("report cards: a chunk of %s cards failed as one document; card by card",
                               len(items), exc_info=True)
        for (data, card), pdf in zip(items, pdfs, strict=True):
            try:
                pdf = pdf or render(data)
                name = report_card_path(card=card, result=data.result)
                if card.file and card.file.name:
                    default_storage.delete(card.file.name)
                if default_storage.exists(name):
                    default_storage.delete(name)
                card.file.name = default_storage.save(name, ContentFile(pdf))
                card.sha256 = hashlib.sha256(pdf).hexdigest()
                card.status, card.error, card.generated_at = ReportCard.Status.READY, "", timezone.now()
                ready += 1
            except Exception as error:  # noqa: BLE001  (recorded on the card; the others go on)
                card.status, card.error = ReportCard.Status.FAILED, (str(error) or error.__class__.__name__)[:500]
                failed += 1
            card.job = job
            card.save()
            done = ready + failed
            if reporter is not None and (done % 5 == 0 or done == len(results)):
                reporter.step(_("%(done)s of %(total)s cards") % {"done": done, "total": len(results)},
                              amount=done - reporter.job.progress)
    return {"ready": ready, "failed": failed, "total": len(results)}


# --- who sees which card ---------------------------------------------------------------------------------

def report_cards_for_user(*, user, term: Term | None = None) -> QuerySet[ReportCard]:
    """Report cards a user may see: a school admin every card, a teacher those of her streams'
    students, a guardian his children's ready cards of published terms; nobody else any."""
    cards = ReportCard.objects.select_related("term__year", "student__stream__school_class")
    if term is not None:
        cards = cards.filter(term=term)
    role = getattr(user, "role", None)
    if role == Role.SCHOOL_ADMIN:
        pass
    elif role == Role.TEACHER:
        cards = cards.filter(student__stream_id__in=teacher_stream_ids(user=user))
    elif role == Role.PARENT:
        cards = cards.filter(student__guardian_links__guardian__user=user, status=ReportCard.Status.READY,
                             term__results_published_at__isnull=False)
    else:
        return cards.none()
    return cards.order_by("-term__starts_on", "student__last_name", "student__first_name")


def report_card_get_for_user(*, user, pk) -> ReportCard:
    """A ready card with its file that the user may download, or 404."""
    from apps.accounts.access import get_for_user_or_404

    cards = report_cards_for_user(user=user).filter(status=ReportCard.Status.READY).exclude(file="")
    return get_for_user_or_404(cards, pk)


def report_card_filename(card: ReportCard) -> str:
    student = card.student
    return f"{slugify(f'{student.last_name} {student.first_name}')}-{slugify(str(card.term))}.pdf"


def report_cards_zip_stream(cards) -> "iter[bytes]":
    """A ZIP of the cards' stored PDFs, yielded as it is built (PDFs are compressed already: stored)."""

    class Sink(io.RawIOBase):
        def __init__(self):
            self.chunks = []

        def writable(self):
            return True

        def write(self, data):
            self.chunks.append(bytes(data))
            return len(data)

        def take(self):
            data, self.chunks = b"".join(self.chunks), []
            return data

    sink = Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        used = set()
        for card in cards:
            name = report_card_filename(card)
            if name in used:
                name = f"{card.student.admission_number.replace('/', '-')}-{name}"
            used.add(name)
            with card.file.open("rb") as source, archive.open(name, "w") as target:
                while block := source.read(64 * 1024):
                    target.write(block)
            yield sink.take()
    yield sink.take()


# --- verification ----------------------------------------------------------------------------------------

def report_card_verify(code: str) -> dict | None:
    """What the public may know about the card with this code, or None (unknown, not ready, not
    published, or a code that names no school). Two indexed lookups at most."""
    from django_tenants.utils import schema_context

    from apps.platform.models import Tenant

    slug = verification_code_school_slug(code)
    if slug is None:
        return None
    school = Tenant.objects.filter(slug=slug, ready=True).only("schema_name", "name", "slug").first()
    if school is None:
        return None
    with schema_context(school.schema_name):
        card = (ReportCard.objects.select_related("term__year", "student")
                .filter(verification_code=code, status=ReportCard.Status.READY,
                        term__results_published_at__isnull=False).first())
        if card is None:
            return None
        result = TermResult.objects.filter(term_id=card.term_id, student_id=card.student_id).first()
        profile = SchoolProfile.objects.only("name").first()
        return {
            "school": profile.name if profile else school.name,
            "student": card.student.full_name,
            "admission_number": card.student.admission_number,
            "term": f"{card.term.name} {card.term.year.name}",
            "division": result.division if result else "",
            "average": result.average if result else None,
            "issued": card.generated_at,
            "sha256": card.sha256,
        }
