"""`rtop gaps` and `rtop template`: the collection cycle's reader commands (the work list and
the questionnaire), over the same views the /gaps page shows."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sqlalchemy.engine import Engine

from dashboard import views
from dashboard.core import scoring
from dashboard.core.models import this_year
from dashboard.filters import Filters


class CommandError(Exception):
    """A command's arguments cannot be carried out (the message says why)."""


def command(args: argparse.Namespace, *, engine: Engine, owner: str | None) -> int:
    """Run `gaps` or `template` for ``owner`` (a participant code, the region, or None for
    everyone); 0 when done."""
    year = args.year or this_year()
    ds = views.load_dataset(engine=engine, include_sample=False)
    if args.command == "template":
        from dashboard.export import questionnaire

        out: Path = args.out
        if out.suffix.lower() != ".xlsx":
            raise CommandError(f"{out}: a questionnaire is an .xlsx file")
        assert owner is not None
        out.write_bytes(questionnaire.template(ds=ds, owner=owner, year=year))
        who = "the region (ARF)" if owner == scoring.REGION else ds.names.get(owner, owner)
        print(f"wrote {out}: the questionnaire for {who} (data {ds.version})")
        return 0
    from dashboard.views import gaps

    filters = Filters(to_year=year)
    if owner is not None and owner != scoring.REGION:
        filters = Filters(to_year=year, participants=(owner,))
    work = gaps.work_list(ds=ds, filters=filters, year=year, include_region=owner in (None, "ARF"))
    if owner == scoring.REGION:
        rows = work.rows[work.rows["owner"] == scoring.REGION]
        work = gaps.Gaps(rows=rows.reset_index(drop=True), cells=work.cells, counts=work.counts)
    if args.out is not None:
        from dashboard.charts import ChartMeta
        from dashboard.export import table_bytes

        fmt = args.out.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise CommandError(f"{args.out}: write the list as .csv or .xlsx")
        meta = ChartMeta(title=f"RtoP Monitor gaps, {year}", subtitle="", sources=(),
                         synthetic=False, data_version=ds.version)  # fmt: skip
        args.out.write_bytes(table_bytes(work.rows, fmt=fmt, meta=meta))
    if args.json:
        print(json.dumps(gaps.as_json(work, year=year, data_version=ds.version), indent=2,
                         ensure_ascii=False, default=str))  # fmt: skip
        return 0
    c = work.counts
    pre, what = ("regional_", "regional") if owner == scoring.REGION else ("", "national")
    print(
        f"{year}: {c[pre + 'current']} of {c[pre + 'cells']} {what} cells have a current "
        f"status; {c[pre + 'stale']} stale, {c[pre + 'insufficient']} insufficient, "
        f"{c[pre + 'none']} no data"
    )
    for row in work.rows.itertuples():
        what = f"{row.indicator} {row.indicator_name}".strip() or "(the cell)"
        mark = ""
        if row.moves_cell:
            mark = " → keeps its status" if "lapses" in row.gap else " → gives it a status"
        print(
            f"  {row.owner} {row.recommendation} [{row.status}] {what}: {row.gap}; "
            f"{row.detail}{mark}"
        )
    if args.out is not None:
        print(f"wrote {args.out}")
    return 0
