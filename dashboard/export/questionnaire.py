"""A questionnaire that goes out and comes back: one participant's (or the region's) indicators
as an XLSX a focal point or research institute fills in, and that `rtop load` (or the Load data
page) reads back (loaders/questionnaire.py).

Sheets: Instructions (plain words); questionnaire (one row per indicator: read-only definition,
levels or unit and the current record, then the columns to fill, with Excel data validation:
level dropdowns, dates, a source required with a value); events (optional rows of dated
events); hidden _lists (the dropdowns' levels) and _meta (participant, template version, data
version, and the current records the form was made from, so a reply can be checked against
what changed since).
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd

from dashboard.core import questionnaire as q
from dashboard.core import scoring
from dashboard.export.tables import neutralise
from dashboard.views.common import rec_names
from dashboard.views.dataset import REGION_NAME, Dataset

HEADER_FILL = "1F3864"
FILL_FILL = "FFF2CC"  # the columns to fill: pale yellow, as forms usually mark them
WIDTHS = {
    "participant": 11, "recommendation": 9, "indicator": 10, "indicator_name": 30,
    "definition": 60, "levels_or_unit": 34, "current_value": 22, "current_date": 12,
    "current_source": 36, "new_value": 26, "date": 13, "date_precision": 12,
    "source_title": 36, "source_url": 36, "excerpt": 44, "comment": 30,
}  # fmt: skip
EVENT_COLUMNS = ("date", "title", "kind", "items", "source", "url", "description")


def rows_for(*, ds: Dataset, owner: str, year: int) -> pd.DataFrame:
    """One row per indicator that applies to ``owner`` (a participant code or the region):
    the read-only columns and the current record at ``year``."""
    ind = scoring.catalogue_columns(ds.indicators)
    regional = owner == scoring.REGION
    ind = ind[ind["level"].eq("region") if regional else ind["level"].ne("region")]
    items = ds.items.set_index("code")
    kinds = items["kind"].to_dict()
    ind = ind[ind["recommendation"].map(kinds).isin(["recommendation", "next_step"])
              | ind["code"].str.startswith("TR.")]  # fmt: skip
    panel = ds.indicators_at(year)
    panel = panel[panel["participant_code"] == owner].set_index("indicator_code")
    rows = []
    for spec in ind.itertuples():
        code = str(spec.code)
        hit = panel.loc[code] if code in panel.index else None
        words = dict(
            part.split("=", 1) for part in str(spec.levels or "").split(";") if "=" in part
        )
        if words:
            levels = "; ".join(q.level_choice(int(k), v) for k, v in words.items())
        else:
            levels = f"{spec.value_type}: {spec.unit}".strip()
        value = ""
        if hit is not None:
            v = float(hit["value"])
            word = words.get(f"{v:g}")
            value = q.level_choice(int(v), word) if word else f"{v:g}"
            if bool(hit["stale"]):
                value += " (stale)"
        rows.append(
            {
                "participant": owner,
                "recommendation": str(spec.recommendation),
                "indicator": code,
                "indicator_name": str(spec.name),
                "definition": str(spec.description),
                "levels_or_unit": levels,
                "current_value": value,
                "current_date": "" if hit is None else str(pd.Timestamp(hit["date"]).date()),
                "current_source": "" if hit is None else str(hit["source"]),
                "choices": [q.level_choice(int(k), v) for k, v in words.items()],
                "value_type": str(spec.value_type),
            }
        )
    return pd.DataFrame(rows)


def template(*, ds: Dataset, owner: str, year: int, made_at: dt.datetime | None = None) -> bytes:
    """The questionnaire for ``owner`` (a participant code, or scoring.REGION for the region's
    own: the regional recommendations and the ARF next steps) as XLSX bytes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    made = (made_at or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    rows = rows_for(ds=ds, owner=owner, year=year)
    who = REGION_NAME if owner == scoring.REGION else ds.names.get(owner, owner)
    wb = Workbook()
    guide = wb.active
    guide.title = q.INSTRUCTIONS_SHEET
    for line in _instructions(who=who, owner=owner, version=ds.version, year=year, ds=ds):
        guide.append([line])
    guide.column_dimensions["A"].width = 120
    guide["A1"].font = Font(bold=True, size=14)
    for row in guide.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")

    sheet = wb.create_sheet(q.SHEET)
    sheet.append(list(q.COLUMNS))
    header = Font(bold=True, color="FFFFFF")
    for i, name in enumerate(q.COLUMNS, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font = header
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if name in q.FILL_COLUMNS and name != "indicator":
            cell.comment = Comment(_help(name), "RtoP Monitor")
        sheet.column_dimensions[cell.column_letter].width = WIDTHS.get(name, 14)
    lists = wb.create_sheet(q.LISTS_SHEET)
    col = {name: i for i, name in enumerate(q.COLUMNS, start=1)}
    letter = {name: sheet.cell(row=1, column=i).column_letter for name, i in col.items()}
    precision = DataValidation(type="list", formula1='"day,month,year"', allow_blank=True)
    precision.error = "Choose day, month or year: how precise the date is."
    sheet.add_data_validation(precision)
    dates = DataValidation(
        type="custom",
        formula1=f'=OR({letter["date"]}2="",ISNUMBER({letter["date"]}2),'
        f"LEN({letter['date']}2)=4,LEN({letter['date']}2)=7)",
        allow_blank=True,
    )
    dates.error = "A date (2024-05-31), a month (2024-05) or a year (2024)."
    dates.errorStyle = "warning"
    sheet.add_data_validation(dates)
    sourced = DataValidation(
        type="custom",
        formula1=f'=OR({letter["new_value"]}2="",{letter["source_title"]}2<>"",'
        f'{letter["source_url"]}2<>"")',
        allow_blank=True,
    )
    sourced.error = "A new value needs its source: a source_title or a source_url (or both)."
    sourced.errorStyle = "warning"
    sheet.add_data_validation(sourced)
    fill = PatternFill("solid", fgColor=FILL_FILL)
    for r, rec in enumerate(rows.itertuples(index=False), start=2):
        for name in q.COLUMNS:
            cell = sheet.cell(row=r, column=col[name], value=neutralise(getattr(rec, name, "")))
            if isinstance(cell.value, str):
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if name in q.FILL_COLUMNS and name != "indicator":
                cell.fill = fill
                cell.protection = Protection(locked=False)
        levels = list(rec.choices) or (["1 = yes", "0 = no"] if rec.value_type == "binary" else [])
        if levels:
            lists.cell(row=1, column=r, value=rec.indicator)
            for i, choice in enumerate(levels, start=2):
                lists.cell(row=i, column=r, value=choice).data_type = "s"
            ref = lists.cell(row=2, column=r).column_letter
            pick = DataValidation(
                type="list",
                formula1=f"={q.LISTS_SHEET}!${ref}$2:${ref}${len(levels) + 1}",
                allow_blank=True,
            )
            pick.error = f"Choose one of {rec.indicator}'s levels."
            pick.errorStyle = "warning"
            sheet.add_data_validation(pick)
            pick.add(f"{letter['new_value']}{r}")
        precision.add(f"{letter['date_precision']}{r}")
        dates.add(f"{letter['date']}{r}")
        sourced.add(f"{letter['new_value']}{r}")
        sheet.cell(row=r, column=col["date"]).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = sheet.cell(row=2, column=col["indicator_name"])
    sheet.auto_filter.ref = f"A1:{letter['comment']}{max(len(rows) + 1, 2)}"
    sheet.protection.sheet = True  # read-only columns locked (no password: a guard, not a lock)
    sheet.protection.autoFilter = False
    sheet.protection.formatColumns = False
    lists.sheet_state = "hidden"

    events = wb.create_sheet(q.EVENTS_SHEET)
    events.append(list(EVENT_COLUMNS))
    for i, _ in enumerate(EVENT_COLUMNS, start=1):
        events.cell(row=1, column=i).font = header
        events.cell(row=1, column=i).fill = PatternFill("solid", fgColor=HEADER_FILL)
        events.column_dimensions[events.cell(row=1, column=i).column_letter].width = 24

    meta = wb.create_sheet(q.META_SHEET)
    meta.append(["key", "value"])
    current = {
        str(r.indicator): {"value": r.current_value, "date": r.current_date,
                           "source": r.current_source}
        for r in rows.itertuples(index=False)
    }  # fmt: skip
    for key, value in (
        ("participant", owner),
        ("template_version", q.TEMPLATE_VERSION),
        ("data_version", ds.version),
        ("made_at", made.isoformat()),
        ("method", scoring.RULE_VERSION),
        ("year", str(year)),
        ("current", json.dumps(current, ensure_ascii=False)),
    ):
        meta.append([key, value])
        meta.cell(row=meta.max_row, column=2).data_type = "s"
    meta.sheet_state = "hidden"
    wb.active = 1  # opens on the questionnaire
    props = wb.properties
    props.title = f"RtoP Monitor questionnaire: {who}"
    props.creator = "RtoP Monitor"
    props.subject = f"CSCAP Memorandum No. 18 progress indicators, {who}"
    props.description = f"Template {q.TEMPLATE_VERSION}; data version {ds.version}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _help(name: str) -> str:
    return {
        "new_value": "The indicator's value now: pick a level from the list, or a number.",
        "date": "When it was so: a date (2024-05-31), a month (2024-05) or a year (2024).",
        "date_precision": "How precise the date is: day, month or year.",
        "source_title": "The public record that shows it (title). A title or a URL is required.",
        "source_url": "The record's web address (http or https).",
        "excerpt": "The words in the source that show it (up to a few sentences).",
        "comment": "Anything the reviewer should know (not published with the value).",
    }[name]


def _instructions(*, who: str, owner: str, version: str, year: int, ds: Dataset) -> list[str]:
    regional = owner == scoring.REGION
    recs = rec_names(ds)
    scope = (
        "the ARF's own recommendations (R4, R5, R8, R10, R11) and the four next steps"
        if regional
        else "the national recommendations (R1, R2, R3, R6, R7, R9, R12) and treaty status"
    )
    return [
        f"RtoP Monitor questionnaire: {who}",
        f"This form asks for public evidence of progress on {scope} of CSCAP Memorandum No. 18 "
        f"({len(recs)} items in all). It was made from the data as of release {version} "
        f"(status year {year}).",
        "1. Open the sheet 'questionnaire'. Each row is one indicator. Grey columns say what it "
        "measures, its levels or unit, and the value now recorded (with its date and source).",
        "2. Where you know of newer evidence, fill the yellow columns of that row: new_value (pick "
        "a level from the list), date, date_precision (day, month or year), source_title and/or "
        "source_url, and a short excerpt of the source's own words. Add a comment for the "
        "reviewer if useful.",
        "3. Leave a row untouched when you have nothing new: untouched rows are ignored.",
        "4. Every value needs a public source (a title or a URL). A value is a fact seen in a "
        "source: an attendance is not an appointment, a planned meeting is not a held one.",
        "5. Optional: dated events (meetings, dialogues, decisions) go in the sheet 'events', "
        "one per row, with a source.",
        "6. Save the file (keep it as .xlsx) and return it to the organiser. It is loaded with "
        "`rtop load FILE` or the Load data page: every row is checked, a file with any problem "
        "loads nothing and says row, column and reason, and a reviewer publishes it.",
        "Do not rename the sheets or the column headers; other sheets are used by the program.",
    ]
