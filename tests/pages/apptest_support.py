"""Reading what an AppTest run drew: titles, charts, the sample marking, tables."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

from dashboard.ui.failure import MESSAGE

# The app's real entry point, and what the open_page fixture (tests/pages/conftest.py) gives.
# Here, not in conftest.py: another test folder's conftest.py would shadow a bare
# `from conftest import ...`.
APP = str(Path(__file__).resolve().parents[2] / "pages" / "app.py")
OpenPage = Callable[..., AppTest]

SAMPLE = "SAMPLE DATA"
FAILED = MESSAGE.split("{", 1)[0]  # how the entry point tells a page that failed

# page file -> (title, plotly charts, deck maps) with the default filters
PAGES: dict[str, tuple[str | None, int, int]] = {
    "overview.py": ("Responsibility to Protect in the ARF region", 1, 1),
    "map.py": ("Implementation map", 0, 1),
    "country.py": (None, 2, 0),  # the title is the participant's name
    "recommendations.py": ("Recommendation tracker", 1, 0),
    "timeline.py": ("Timeline", 2, 0),
    "pillars.py": ("Pillar coverage", 3, 0),
    "changes.py": ("What changed", 0, 0),
    "exports.py": ("Exports for briefings", 0, 0),
    "methodology.py": ("Methodology", 0, 0),
    "upload.py": ("Load progress indicators", 0, 0),
}
DATA_PAGES = (
    "overview.py",
    "map.py",
    "country.py",
    "recommendations.py",
    "timeline.py",
    "pillars.py",
    "changes.py",
    "exports.py",
)


def assert_ok(at: AppTest) -> None:
    """No uncaught exception on the page (with the traceback in the failure message), and none
    caught by the entry point's handler either (its message; the traceback is in the log)."""
    assert not at.exception, "\n".join(
        e.message + "\n" + "\n".join(e.stack_trace) for e in at.exception
    )
    failed = [e.value for e in at.error if e.value.startswith(FAILED)]
    assert not failed, f"a page failed (see the captured log): {failed}"


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def plotly_figures(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def decks(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(el.proto.json) for el in at.get("deck_gl_json_chart")]


def figure_marked(fig: dict[str, Any]) -> bool:
    """The figure carries SAMPLE DATA in its layout annotations."""
    return any(SAMPLE in str(a.get("text", "")) for a in fig["layout"].get("annotations", []))


def deck_marked(deck: dict[str, Any]) -> bool:
    """The deck map carries the SAMPLE DATA text layer."""
    return any(
        layer.get("id") == "sample-mark"
        or any(
            SAMPLE in str(d.get("text", "")) for d in layer.get("data", []) if isinstance(d, dict)
        )
        for layer in deck["layers"]
    )


def banner_shown(at: AppTest) -> bool:
    return any(SAMPLE in w.value for w in at.warning)


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def table(at: AppTest, *columns: str) -> pd.DataFrame:
    """The one st.dataframe on the page that has all these column headings."""
    found = [d.value for d in at.dataframe if set(columns) <= set(d.value.columns)]
    assert len(found) == 1, f"{len(found)} tables with columns {columns}"
    return found[0]


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    """Metric label -> (value, delta); the delta is '' when there is none."""
    return {m.label: (m.value, m.delta or "") for m in at.metric}


def sidebar_state(at: AppTest) -> dict[str, Any]:
    side = at.sidebar
    return {
        "participants": list(side.multiselect(key="f_participants").value),
        "pillars": list(side.multiselect(key="f_pillars").value),
        "recommendations": list(side.multiselect(key="f_recs").value),
        "period": tuple(side.slider(key="f_period").value),
        "sample": side.checkbox(key="f_sample").value,
    }


def query(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k] for k in at.query_params}


def run_with_widget_value(at: AppTest, key: str, payload: dict[str, Any]) -> AppTest:
    """Rerun as if the user had selected something on a chart (plotly / deck).

    AppTest has no public API for chart selections (Streamlit 1.67): this sends the widget
    state the frontend would send, through AppTest's private _run.
    """
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    el = at.get_by_key(key)
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=el.proto.id, string_value=json.dumps(payload)))
    return at._run(states)


def heatmap_labels(fig: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(columns, rows) of the tracker heatmap: recommendation codes and participant names."""
    heat = fig["data"][0]
    return list(heat["x"]), list(heat["y"])


def heatmap_cells(fig: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(participant name, recommendation) -> the cell's symbol, click data and hover text.

    The symbols are text points on the cells' centres (one trace per status), which are
    also the click targets; every cell of the heatmap has exactly one."""
    columns, rows = heatmap_labels(fig)
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for trace in fig["data"][1:]:
        assert trace["type"] == "scatter" and trace["mode"] == "text", trace["type"]
        for x, y, text, data, hover in zip(
            trace["x"],
            trace["y"],
            trace["text"],
            trace["customdata"],
            trace["hovertext"],
            strict=True,
        ):
            assert (y, x) not in cells, f"two symbols on ({y}, {x})"
            cells[(y, x)] = {"symbol": text, "customdata": data, "hover": hover}
    assert set(cells) == {(y, x) for y in rows for x in columns}, "cells without a symbol"
    return cells


def heatmap_symbols(fig: dict[str, Any]) -> list[list[str]]:
    """The tracker's symbols as shown, row by row (participants) and column by column."""
    columns, rows = heatmap_labels(fig)
    cells = heatmap_cells(fig)
    return [[cells[(y, x)]["symbol"] for x in columns] for y in rows]


def dialogs(at: AppTest) -> list[Any]:
    """The dialogs (st.dialog) open after the last run, as blocks: ``.proto.dialog.title`` is
    the title, ``.get("markdown")`` and ``.get("dataframe")`` what is in it."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if getattr(node, "type", None) == "dialog":
            found.append(node)
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)
    return found
