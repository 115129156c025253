"""Briefing packs as a reader meets them: opened back with python-pptx and pypdf.

Each test names the defect it guards against (issue 19, item 5): text under 9 pt, text or
tables running off a slide or over the SAMPLE DATA badge, source lines alone on a page, chart
images stretched or with tiny labels, "image.png" alt text, python-pptx's template properties,
a participant's pack showing the others, no treaty page, an empty pillar chart, stale cells
passed off as statuses, codes where names belong.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Emu

from dashboard import views
from dashboard.charts import ChartMeta
from dashboard.core.scoring import RULE_VERSION
from dashboard.export import briefing, figures, powerpoint
from dashboard.export.context import chart
from dashboard.export.pack import Pack
from dashboard.export.words import KIND_NAMES
from tests.conftest import need
from tests.dashboard.packs import CHROMIUM, FILTERS, pdf_runs

MIN_PT = 9.0
FOOTER = "RtoP Monitor · "


@pytest.fixture(scope="module")
def region_pptx(region_pack: Pack) -> Presentation:
    return Presentation(io.BytesIO(briefing.to_pptx(region_pack)))


@pytest.fixture(scope="module")
def participant_pptx(participant_pack: Pack) -> Presentation:
    return Presentation(io.BytesIO(briefing.to_pptx(participant_pack)))


@pytest.fixture(scope="module")
def region_pdf(region_pack: Pack) -> bytes:
    return briefing.to_pdf(region_pack)


@pytest.fixture(scope="module")
def participant_pdf(participant_pack: Pack) -> bytes:
    return briefing.to_pdf(participant_pack)


def _pt(value: int) -> float:
    return Emu(value).pt


def _runs(shape: object) -> list[object]:
    frames = []
    if getattr(shape, "has_text_frame", False):
        frames.append(shape.text_frame)  # type: ignore[attr-defined]
    if getattr(shape, "has_table", False):
        frames += [c.text_frame for r in shape.table.rows for c in r.cells]  # type: ignore[attr-defined]
    return [run for f in frames for p in f.paragraphs for run in p.runs if run.text.strip()]


def _slide_text(slide: object) -> str:
    return " ".join(str(r.text) for sh in slide.shapes for r in _runs(sh))  # type: ignore[attr-defined]


@pytest.mark.parametrize("which", ["region_pptx", "participant_pptx"])
def test_pptx_text_at_least_9pt_and_every_shape_inside_its_slide(
    which: str, request: pytest.FixtureRequest
) -> None:
    prs = request.getfixturevalue(which)
    width, height = _pt(prs.slide_width), _pt(prs.slide_height)
    for n, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            box = [_pt(shape.left), _pt(shape.top), _pt(shape.width), _pt(shape.height)]
            assert box[0] >= 0 and box[1] >= 0, (n, shape.name)
            assert box[0] + box[2] <= width + 0.5 and box[1] + box[3] <= height + 0.5, (n, shape.name, box)
            for run in _runs(shape):
                assert run.font.size is not None and run.font.size.pt >= MIN_PT, (n, shape.name, run.text)


@pytest.mark.parametrize("which", ["region_pptx", "participant_pptx"])
def test_pptx_text_boxes_hold_their_text_and_nothing_reaches_the_footer_band(
    which: str, request: pytest.FixtureRequest
) -> None:
    """Office suites grow a box to fit its text: a box too small for it runs off the slide or
    over the footer and the SAMPLE DATA badge (the methodology slide did, in every pack)."""
    prs = request.getfixturevalue(which)
    for n, slide in enumerate(prs.slides, start=1):
        footer = next(sh for sh in slide.shapes if sh.name == "Footer")
        band = _pt(footer.top)
        for shape in slide.shapes:
            if shape.name in ("Footer", "SAMPLE DATA badge"):
                continue
            assert _pt(shape.top + shape.height) <= band, (n, shape.name)
            if shape.has_text_frame:
                texts = [p.text for p in shape.text_frame.paragraphs]
                size = shape.text_frame.paragraphs[0].runs[0].font.size.pt
                bold = bool(shape.text_frame.paragraphs[0].runs[0].font.bold)
                need_pt = powerpoint.paragraphs_height(texts, width=_pt(shape.width), size=size, bold=bold)
                assert need_pt <= _pt(shape.height) + 0.5, (n, shape.name, texts[0][:40])


def test_sample_pack_marks_every_slide_and_its_file(region_pptx: Presentation) -> None:
    for slide in region_pptx.slides:
        badges = [sh for sh in slide.shapes if sh.name == "SAMPLE DATA badge"]
        assert len(badges) == 1 and badges[0].text_frame.text == "SAMPLE DATA"
    assert "SAMPLE DATA" in region_pptx.core_properties.keywords
    assert region_pptx.core_properties.content_status == "SAMPLE DATA"


def test_pictures_have_their_charts_text_alternative(region_pptx: Presentation, region_pack: Pack) -> None:
    charts = [s.chart for s in region_pack.slides if s.chart is not None]
    pictures = [sh for s in region_pptx.slides for sh in s.shapes if sh.shape_type == 13]
    # standing, the map (Southeast Asia in its inset: one slide), the tracker, the pillars
    assert len(pictures) == len(charts) >= 4
    for picture, c in zip(pictures, charts, strict=True):
        alt = picture._element.nvPicPr.cNvPr.get("descr")
        assert alt == c.alt and alt != "image.png"
        assert alt.startswith(c.meta.title) and "SAMPLE DATA" in alt
        assert picture.name == f"Chart: {c.meta.title}"


def test_file_properties_and_thumbnail_are_the_packs(region_pack: Pack) -> None:
    payload = briefing.to_pptx(region_pack)
    prs = Presentation(io.BytesIO(payload))
    core = prs.core_properties
    assert core.title == region_pack.title and core.author == "RtoP Monitor"
    assert core.last_modified_by == "RtoP Monitor"
    assert abs(core.created - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(hours=1)
    assert f"method {RULE_VERSION}" in core.keywords and region_pack.data_version in core.keywords
    assert region_pack.data_version.startswith("release ")
    with zipfile.ZipFile(io.BytesIO(payload)) as z:
        props = b"".join(z.read(n) for n in z.namelist() if n.startswith("docProps/"))
        app = z.read("docProps/app.xml").decode()
        thumb = Image.open(io.BytesIO(z.read("docProps/thumbnail.jpeg"))).convert("RGB")
    assert b"Steve Canny" not in props and b"2013-01-27" not in props
    assert f"<Slides>{len(prs.slides)}</Slides>" in app and "16:9" in app and "4:3" not in app
    assert thumb.size[0] * 9 == thumb.size[1] * 16  # 16:9, as the slides
    colours = thumb.getcolors(maxcolors=1 << 16) or []
    assert len(colours) > 20  # not blank
    reds = sum(n for n, (r, g, b) in colours if r > 150 and g < 60 and b < 60)
    assert reds > 0.05 * thumb.size[0] * thumb.size[1]  # the SAMPLE DATA band shows in a preview


@pytest.mark.parametrize("which", ["region", "participant"])
def test_pdf_text_at_least_9pt_and_every_page_headed_by_its_section(
    which: str, request: pytest.FixtureRequest
) -> None:
    """No text under 9 pt; no page that starts with a stray source line (they spilled onto
    nearly blank pages); a page that continues a long table says whose it is."""
    pack: Pack = request.getfixturevalue(f"{which}_pack")
    pages = pdf_runs(request.getfixturevalue(f"{which}_pdf"))
    titles = [" ".join(s.title.split()) for s in pack.slides]
    continued = 0
    for n, runs in enumerate(pages, start=1):
        small = [r for r in runs if r.size < MIN_PT - 0.01]
        assert not small, (n, small[:3])
        body = [r for r in runs if not r.text.startswith((FOOTER, "Page ", "SAMPLE DATA"))]
        assert body, f"page {n} has nothing but its footer"
        top = max(body, key=lambda r: r.y)
        assert not top.text.startswith(("Source:", "Sources:")), f"page {n} starts with a source line"
        if top.text.endswith("(continued)"):
            continued += 1
            assert top.text[: -len(" (continued)")] in titles, (n, top.text)
        else:
            assert any(t.startswith(top.text) for t in titles), (n, top.text)
    assert continued >= 1  # (the sources run over more than one page)


def test_chart_images_fit_their_room_unstretched_with_readable_labels(
    region_pack: Pack, participant_pack: Pack
) -> None:
    """Every chart image placed on an A4 page: its smallest label at least 9 pt, drawn at its
    own aspect (the pixels' shape is the placed shape), never taller than it was laid out."""
    charts = [s.chart for p in (region_pack, participant_pack) for s in p.slides if s.chart]
    assert charts
    for c in charts:
        placed = figures.place(c, width_pt=760, height_pt=430)
        assert placed.min_font_pt >= MIN_PT, c.meta.title
        assert placed.width_pt <= 760.5 and placed.height_pt <= 430.5, c.meta.title
        w, h = Image.open(io.BytesIO(placed.png)).size
        assert abs(w / h - placed.width_pt / placed.height_pt) < 0.01, c.meta.title
        _, natural = figures.bare(c.figure)
        assert placed.height_pt <= natural * figures.PT_PER_PX + 1, c.meta.title


def test_a_one_row_tracker_is_not_stretched_over_the_page(real_ds: views.Dataset) -> None:
    """Viet Nam's tracker was one row stretched over a whole slide."""
    need("Chromium (for kaleido)", CHROMIUM is not None)
    from dashboard import charts

    matrix = views.tracker_matrix(
        ds=real_ds, filters=replace(FILTERS, participants=("VNM",)), year=2024, sort="grouping"
    )
    m = ChartMeta(title="Viet Nam", subtitle="one row")
    c = chart(m, charts.status_heatmap(matrix=matrix, meta=m), data=matrix)
    placed = figures.place(c, width_pt=760, height_pt=430)
    _, natural = figures.bare(c.figure)
    assert placed.height_pt <= natural * figures.PT_PER_PX + 1 < 300


def test_participant_pack_shows_its_own_content_and_sources(
    participant_pack: Pack, real_ds: views.Dataset
) -> None:
    titles = [s.title for s in participant_pack.slides]
    assert "Viet Nam: treaty commitments, 2024" in titles
    assert "Viet Nam: national recommendations, 2024" in titles
    assert not [s for s in participant_pack.slides if s.chart is not None]  # no map or tracker of the others
    # every source listed is behind something the pack shows of Viet Nam or of the region
    ev = views.evidence(ds=real_ds, participant="VNM", from_year=2011, to_year=2024)
    own = set(ev["source"])
    events = views.participant_events(ds=real_ds, filters=FILTERS, participant="VNM")
    own |= {p for s in events["source"] for p in str(s).split("; ")}
    track = views.regional_track(ds=real_ds, filters=FILTERS, year=2024)
    own |= {p for s in track["source"] for p in str(s).split("; ") if p}
    card = views.scorecard(ds=real_ds, participant="VNM", year=2024)
    own |= {p for s in card["source"] for p in str(s).split("; ") if p}
    treaties = views.commitments(ds=real_ds, participant="VNM", year=2024)
    own |= set(treaties["source"])
    others = set(real_ds.observations(owners={"AUS", "JPN", "KOR"})["source"]) - own
    assert others and not others & set(participant_pack.sources)
    assert set(participant_pack.sources[1:]) <= own  # (the first: CSCAP Memorandum No. 18)


def test_treaty_page_says_the_record(participant_pack: Pack, real_ds: views.Dataset) -> None:
    page = next(s for s in participant_pack.slides if "treaty commitments" in s.title)
    assert page.table is not None
    records = dict(zip(page.table.frame["Treaty"], page.table.frame["Record"], strict=True))
    assert records["Genocide Convention"] == "party since 9 Jun 1981"
    assert records["Convention against Torture"] == "party since 5 Feb 2015"
    assert not [r for r in records.values() if r in ("Implemented", "Not started")]
    need("Chromium (for kaleido)", CHROMIUM is not None)
    eu = briefing.build_pack(ds=real_ds, filters=FILTERS, participant="EUU")
    page = next(s for s in eu.slides if "treaty commitments" in s.title)
    assert page.table is not None and all(r.startswith("not open to it") for r in page.table.frame["Record"])


def test_pillars_say_why_when_nothing_is_current(real_ds: views.Dataset) -> None:
    """A participant with no current status had an empty pillar chart and no explanation."""
    need("Chromium (for kaleido)", CHROMIUM is not None)
    matrix = views.tracker_matrix(ds=real_ds, filters=FILTERS, year=2024, sort="grouping")
    current = set(matrix.loc[matrix["result"].eq("status"), "participant_code"])
    quiet = sorted(set(matrix["participant_code"]) - current)
    assert quiet
    pack = briefing.build_pack(ds=real_ds, filters=FILTERS, participant=quiet[0])
    page = next(s for s in pack.slides if s.title.endswith(": pillars, 2024"))
    assert page.chart is None and page.table is not None
    assert page.bullets[0].startswith("None of ") and "so no share at or above Initiated" in page.bullets[0]


def test_stale_cells_shown_as_stale_and_counted_apart(real_ds: views.Dataset) -> None:
    """Method 2.1: a cell resting only on evidence past its age limit is 'stale evidence' with
    its last known status, never a status; the pack's figures count such cells apart."""
    need("Chromium (for kaleido)", CHROMIUM is not None)
    pack = briefing.build_pack(ds=real_ds, filters=FILTERS)
    track = next(s for s in pack.slides if s.title == "Regional track, 2024")
    assert track.table is not None
    r8 = track.table.frame[track.table.frame["Recommendation or next step"].str.startswith("R8 ")]
    assert re.fullmatch(r"◷ Stale evidence: last known Initiated \(20\d\d\)", r8["Status"].iloc[0])
    key = next(s for s in pack.slides if s.title == "Key figures, 2024")
    assert key.table is not None
    cells = key.table.frame.set_index("Figure").loc["National cells with a current status"]
    assert re.search(r"\d+ stale", cells["How much is known"])
    method = next(s for s in pack.slides if s.title == "How statuses are read")
    text = " ".join(method.bullets)
    assert f"method version {RULE_VERSION}" in text and "◷ Stale evidence" in text
    assert "counted apart from statuses" in text


def test_words_a_diplomat_reads(region_pack: Pack, participant_pack: Pack) -> None:
    """Names, not codes; no internal constants in prose; versions as a reader says them."""
    shown: list[str] = []
    for p in (region_pack, participant_pack):
        for s in p.slides:
            shown += [s.title, s.subtitle, s.source, *s.bullets]
            if s.table is not None:
                shown += [str(v) for v in s.table.frame.to_numpy().ravel()]
    text = " ".join(shown)
    for constant in ("MIN_COVERAGE", "PARTIAL_CAP", "window_years", "stale_after_years", "basis"):
        assert constant not in text, constant
    for p in (region_pack, participant_pack):
        for s in p.slides:
            if s.table is None:
                continue
            frame = s.table.frame
            if "Kind" in frame:
                assert set(frame["Kind"]) <= set(KIND_NAMES.values()) | {"Other"}, set(frame["Kind"])
            if "Indicator" in frame:  # the indicator's name, not R6.2 or TR.ATT
                assert not frame["Indicator"].str.fullmatch(r"[A-Z]+\d*[a-z]?\.\w+").any()
            if "Participants" in frame:
                assert not frame["Participants"].str.fullmatch(r"[A-Z]{3}(;[A-Z]{3})*").any()
    assert re.fullmatch(r"release \d+ of \d{1,2} [A-Z][a-z]{2} \d{4} #[0-9a-f]{8}", region_pack.data_version)
    assert f"data {region_pack.data_version}" in region_pack.footer()


def test_long_tables_continue_under_their_title(participant_pptx: Presentation) -> None:
    """The sources table takes as many slides as it needs, each saying which part it is."""
    titles = [s.shapes[0].text_frame.text for s in participant_pptx.slides]
    parts = [t for t in titles if t.startswith("Sources (")]
    assert len(parts) >= 2 and re.fullmatch(r"Sources \(\d+\) \(continued, 2 of \d+\)", parts[1])
    rows = sum(len(sh.table.rows) - 1 for s in participant_pptx.slides if s.shapes[0].text_frame.text in parts
               for sh in s.shapes if sh.has_table)  # fmt: skip
    first = titles.index(parts[0])
    listed = int(re.match(r"Sources \((\d+)\)", parts[0]).group(1))  # type: ignore[union-attr]
    assert rows == listed and first == len(titles) - len(parts)


def test_methodology_is_method_2_1_in_prose() -> None:
    from dashboard.export.words import method_bullets, status_scale

    text = " ".join(status_scale() + method_bullets())
    assert "Since method 2.1, older evidence no longer counts" in text
    assert "◷ Stale evidence" in text and "◌ Insufficient data" in text
    assert "MIN_COVERAGE" not in text and "50%" in text


def test_pack_slide_text_is_the_same_in_both_formats(participant_pack: Pack, participant_pdf: bytes) -> None:
    text = " ".join(" ".join(r.text for r in page) for page in pdf_runs(participant_pdf))
    text = " ".join(text.split())
    for s in participant_pack.slides:
        assert " ".join(s.title.split()) in text or s.cover
    frame = pd.concat([s.table.frame for s in participant_pack.slides if s.table is not None and "Treaty" in s.table.frame])
    for record in frame["Record"]:
        assert record in text


def test_the_region_pack_says_where_the_collection_round_stands(
    template_dir: Path, tmp_path: Path
) -> None:
    """Issue 18: an open round's progress per participant is a slide of the region's pack
    (who sent nothing, submitted, is in review or published), without anyone's contacts."""
    import shutil

    from dashboard.core.db import make_engine
    from loaders import collection

    path = tmp_path / "round.sqlite"
    shutil.copy(template_dir / "reference.sqlite", path)
    engine = make_engine(url=f"sqlite:///{path}")
    collection.open_round(engine=engine, name="ARF ISM 2027", due=dt.date(2027, 3, 1), user="org")
    collection.set_contact(engine=engine, participant="THA", name="Somchai", email="s@mfa.go.th",
                           user="org")  # fmt: skip
    collection.submit(
        engine=engine, data=b"participant,indicator,date,value,source\nVNM,R2.1,2025,1,Src\n",
        name="vnm.csv", user="vnmfp", scope=frozenset({"VNM"}),
    )  # fmt: skip
    ds = views.load_dataset(engine=engine, include_sample=False)
    pack = briefing.build_pack(ds=ds, filters=FILTERS)
    found = [s for s in pack.slides if s.title == "Collection round: ARF ISM 2027"]
    assert len(found) == 1 and found[0].table is not None
    table = found[0].table.frame.set_index("State")
    assert table.loc["submitted", "Participants"] == 1 and table.loc["submitted", "Who"] == "Viet Nam"
    assert table.loc["nothing received", "Participants"] == 27  # 26 others and the region
    assert "s@mfa.go.th" not in " ".join(map(str, table.to_numpy().ravel()))
    alone = briefing.build_pack(ds=ds, filters=FILTERS, participant="VNM")
    assert not [s for s in alone.slides if s.title.startswith("Collection round")]
