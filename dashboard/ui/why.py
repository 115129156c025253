"""The "Why this status?" panel (Streamlit): the explain module's answer for one cell."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import explain, views
from dashboard.core.config import get_settings
from dashboard.core.models import NO_DATA
from dashboard.ui.cache import NO_CACHE, dataset_at
from dashboard.ui.cache import version as data_version

MD_SPECIAL = "\\`*_{}[]<>()#+-.!|~$"


def md_escape(text: object) -> str:
    """Text from data, made inert for Markdown (no links, emphasis or HTML)."""
    return "".join("\\" + c if c in MD_SPECIAL else c for c in str(text))


@st.cache_data(show_spinner=False, max_entries=256)
def _explanation(
    url: str, version: str, include_sample: bool, participant: str, rec: str, year: int
) -> dict[str, Any]:
    ds = dataset_at(url, version, include_sample)
    return explain.explain(ds=ds, participant=participant, recommendation=rec, year=year)


def explanation(
    *, ds: views.Dataset, participant: str, recommendation: str, year: int
) -> dict[str, Any]:
    """explain.explain for the current data version (cached)."""
    if NO_CACHE:
        return explain.explain(
            ds=ds, participant=participant, recommendation=recommendation, year=year
        )
    return _explanation(
        get_settings().database_url,
        data_version(),
        ds.include_sample,
        participant,
        recommendation,
        year,
    )


MEASURES = {"stock": "a lasting state", "flow": "an event in a year"}


def indicator_rows(answer: dict[str, Any]) -> pd.DataFrame:
    """The indicators of an explanation as a table (what the panel shows and downloads): the
    indicator by its name, its value in words; the code last, for files and `rtop explain`."""
    rows = []
    for i in answer["indicators"]:
        rows.append(
            {
                "indicator": i["name"],
                "records": MEASURES.get(i["measure"], i["measure"]),
                "value": "" if i["value"] is None else i["value_text"],
                "date": i["date"] or "",
                "status reached": i["status_label"] or "",
                "threshold": ""
                if i["threshold_reached"] is None
                else f"{i['threshold_reached']:g}",
                "counted": "yes" if i["counted"] else f"no: {i['reason']}",
                "stale": "stale" if i["stale"] else "",
                "source": i["source"] or "",
                "link": i["source_url"] or "",
                "code": i["code"],
                "synthetic": bool(i["synthetic"]),
            }
        )
    return pd.DataFrame(rows)


def why_panel(
    *, ds: views.Dataset, participant: str, recommendation: str, year: int, key: str
) -> None:
    """Draw the explanation of one cell: status, how it was reached, coverage, limits, each
    indicator."""
    a = explanation(ds=ds, participant=participant, recommendation=recommendation, year=year)
    owner = a["owner"]
    rec = a["recommendation"]
    who = md_escape(owner["name"])
    status = a["status_label"] or {
        "insufficient data": views.INSUFFICIENT,
        "stale evidence": a.get("stale_label") or views.STALE,
    }.get(a["result"], NO_DATA)
    st.markdown(
        f"**Why this status?** {who}, {md_escape(rec['code'])} {md_escape(rec['name'])}, "
        f"{a['year']}: **{md_escape(status)}**"
        + (" (an expert assessment)" if a["basis"] == "expert" else "")
    )
    if owner["level"] == "region" and participant != owner["code"]:
        st.caption(f"{rec['code']} is an act of the region: this is the region's status.")
    computed = a["computed"]
    cov = a["coverage"]
    lines = [
        f"- Computed by the rule (version {a['rule_version']}): "
        f"**{md_escape(computed['label'] or computed['result'])}**",
        f"- Coverage: {cov['observed']} of {cov['expected']} indicators with current data "
        f"(at least {cov['minimum']:.0%} needed for a status)",
    ]
    expert = a["expert"]
    if expert:
        lines.append(
            f"- Expert assessment: **{md_escape(expert['label'])}** on {expert['date']} by "
            f"{md_escape(expert['assessor'])}; rationale: {md_escape(expert['rationale'])}; "
            f"source: {md_escape(expert['source'])}"
        )
    for limit in a["limits"]:
        lines.append(f"- Limit: {md_escape(limit)}")
    if a["stale"]:
        lines.append("- Some evidence is **stale** (older than its indicator's age limit).")
    if a["synthetic"]:
        lines.append("- **SAMPLE DATA**: synthetic values are part of this cell.")
    st.markdown("\n".join(lines))
    table = indicator_rows(a)
    if len(table):
        st.dataframe(
            table.drop(columns=["synthetic"]),
            hide_index=True,
            width="stretch",
            key=f"{key}_why_table",
            column_config={"link": st.column_config.LinkColumn("link")},
        )
    st.caption(
        "Same answer on the command line: `rtop explain "
        f"{owner['code']} {rec['code']} --year {a['year']}`. "
        "The rule: Methodology page."
    )


def why_dialog(
    *,
    ds: views.Dataset,
    participant: str,
    recommendation: str,
    year: int,
    key: str,
    evidence: pd.DataFrame | None = None,
    link: tuple[str, str, dict[str, str]] | None = None,
) -> None:
    """The answer to a click where the eye is: "Why this status?" in a drawer beside what was
    clicked (the page behind it stays in sight), with the cell's evidence and, optionally, a
    link (page, label, query). Dismissing it (×, Esc, a click outside) reruns the page, so the same
    cell can be clicked again."""
    a = explanation(ds=ds, participant=participant, recommendation=recommendation, year=year)
    title = f"Why this status? {a['owner']['name']}, {recommendation}"

    @st.dialog(title, width="large", position="right", on_dismiss="rerun")
    def _show() -> None:
        why_panel(
            ds=ds, participant=participant, recommendation=recommendation, year=year,
            key=f"{key}_dialog",
        )  # fmt: skip
        if evidence is not None:
            st.markdown("**The evidence on record**")
            if evidence.empty:
                st.caption("No observations on record for this cell in the period.")
            else:
                st.dataframe(evidence, hide_index=True, width="stretch", key=f"{key}_dialog_ev")
        if link is not None:
            st.page_link(link[0], label=link[1], query_params=link[2],
                         icon=":material/arrow_forward:")  # fmt: skip

    _show()
