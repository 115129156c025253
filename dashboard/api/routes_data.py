"""The data routes' answers: tables as CSV or JSON, a view's bundle, an embed's redirect.
Imported on the first request (pandas, the views, the store)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dashboard import bundle as bundles
from dashboard.api import http, pages, tables
from dashboard.api.params import ParamError, Query, year_param
from dashboard.charts.meta import file_stem
from dashboard.core import store
from dashboard.core.config import get_settings
from dashboard.core.scoring import RULE_VERSION
from dashboard.export import to_csv
from dashboard.views import Dataset

ROUTE_NAMES = tuple(tables.ROUTES)
ANSWERS: store.Store[http.Rendered] = store.Store(
    capacity=256, budget=96 * 1024 * 1024, weigh=lambda r: len(r.body)
)  # answers kept per data version and query: the same question is answered from memory


def _sample_asked(request: Request) -> bool:
    raw = request.query_params.getlist("sample")
    return bool(raw) and raw[-1].strip() in ("1", "true")


def _key(ds: Dataset, *parts: Any) -> tuple[Any, ...]:
    url = get_settings().database_url
    return (store.ReadKey(url=url, version=_token(ds), sample=ds.include_sample), *parts)


def _token(ds: Dataset) -> str:
    return ds.version  # a published Dataset's label names its newest run and a digest of all


def _render_table(*, name: str, fmt: str, ds: Dataset, query: Query, route: str) -> http.Rendered:
    made = tables.ROUTES[name]
    kwargs: dict[str, Any] = {"ds": ds, "filters": query.filters}
    if "year" in made.own:
        kwargs["year"] = _year(query)
    found = made.make(**kwargs, offset=query.offset, limit=query.limit)
    end = query.offset + len(found.frame)
    nxt = end if end < found.total else None
    stem = file_stem(found.meta, filters=query.filters)  # as the pages name their downloads
    if fmt == "csv":
        body = to_csv(found.frame, meta=found.meta)
        media = "text/csv; charset=utf-8"
    else:
        from dashboard.export.tables import marked  # noqa: PLC0415

        envelope = {
            "route": route,
            "title": found.meta.title,
            "filters": query.filters.describe(names=ds.names),
            "data_version": ds.version,
            "method_version": RULE_VERSION,
            "sample": bool(query.filters.sample),
            "total": found.total,
            "offset": query.offset,
            "limit": query.limit,
            "count": len(found.frame),
            "next_offset": nxt,
            "sources": list(found.meta.sources),
        }
        body = http.json_body(envelope=envelope, frame=marked(found.frame, meta=found.meta))
        media = "application/json"
    return http.Rendered(
        body=body,
        media_type=media,
        filename=f"{stem}.{fmt}",
        data_version=ds.version,
        total=found.total,
        count=len(found.frame),
        next_offset=nxt,
    )


def _year(query: Query) -> int | None:
    try:
        return year_param(query)
    except ParamError as exc:
        raise http.Refused(400, f"Bad parameter {exc}.") from None


async def table(request: Request, *, name: str, fmt: str) -> Response:
    """/api/v1/NAME.csv|json: the route's rows for the query, from the shared store."""
    made = tables.ROUTES[name]

    def work() -> http.Rendered:
        reference = http.ready_dataset(sample=_sample_asked(request))  # names: in both
        query = http.read_query(
            request,
            reference,
            filters_used=made.filters,
            own=made.own,
            route=f"/api/v1/{name}.{fmt}",
        )
        if "year" in made.own:
            _year(query)  # a bad year is the asker's mistake: 400 before any work
        ds = http.ready_dataset(sample=query.filters.sample)
        key = _key(ds, name, fmt, query)
        return ANSWERS.get(
            key,
            load=lambda: _render_table(
                name=name, fmt=fmt, ds=ds, query=query, route=f"/api/v1/{name}.{fmt}"
            ),
        )

    return http.answer(request, await http.in_worker(work))


def _link(request: Request, page: str, query: dict[str, str]) -> str:
    """The full view's link: at the public address (RTOP_PUBLIC_URL) when one is set, else
    on this server as the request reached it (with its base path)."""
    from dashboard.views.common import view_link  # noqa: PLC0415

    served = str(request.base_url).rstrip("/") + request.url.path.split("/api/v1/")[0]
    base = get_settings().public_url or served
    return view_link(base=base, path="" if page == "overview" else page, query=query)


async def bundle(request: Request) -> Response:
    """/api/v1/bundle/PAGE.zip: the view's charts as CSV, PNG and SVG with datapackage.json
    and a README (one chart with chart=NAME)."""
    page = request.path_params["page"]
    if page not in pages.PAGES:
        raise http.Refused(404, f"No page '{page}': use one of {', '.join(pages.PAGES)}.")
    spec = pages.PAGES[page]

    def prepare() -> tuple[Dataset, Query]:
        reference = http.ready_dataset(sample=_sample_asked(request))  # names: in both
        query = http.read_query(
            request,
            reference,
            filters_used=tables.ALL,
            own=(*spec.own, "chart"),
            route=f"/api/v1/bundle/{page}.zip",
        )
        return http.ready_dataset(sample=query.filters.sample), query

    ds, query = await http.in_worker(prepare)

    def work() -> http.Rendered:
        try:
            view = spec.build(ds=ds, query=query)
        except pages.ParamError as exc:
            raise http.Refused(400, f"Bad parameter {exc}.") from None
        charts = view.charts
        wanted = query.get("chart")
        if wanted is not None:
            charts = [c for c in charts if c.name == wanted]
            if not charts:
                names = ", ".join(c.name for c in view.charts)
                raise http.Refused(
                    400, f"Bad parameter chart: unknown chart '{wanted}' (use {names})."
                )
        link = _link(request, page, view.link_query)
        body = bundles.build(
            charts=charts,
            title=view.title,
            link=link,
            data_version=ds.version,
            filters=query.filters,
            names=ds.names,
        )
        stem = bundles.bundle_stem(page=page, filters=query.filters, chart=wanted)
        return http.Rendered(
            body=body,
            media_type="application/zip",
            filename=f"{stem}.zip",
            data_version=ds.version,
        )

    key = _key(ds, "bundle", page, query, str(request.base_url))
    rendered = await http.in_worker(lambda: ANSWERS.get(key, load=work), limiter=http.BUNDLES)
    return http.answer(request, rendered)


async def embed(request: Request) -> Response:
    """/api/v1/embed/PAGE?...: the page's own link in Streamlit's embed mode (a redirect)."""
    from urllib.parse import urlencode  # noqa: PLC0415

    page = request.path_params["page"]
    if page not in pages.PAGES:
        raise http.Refused(404, f"No page '{page}': use one of {', '.join(pages.PAGES)}.")
    spec = pages.PAGES[page]
    reference = await http.in_worker(lambda: http.ready_dataset(sample=_sample_asked(request)))
    http.read_query(
        request,
        reference,
        filters_used=tables.ALL,
        own=spec.own,
        route=f"/api/v1/embed/{page}",
    )
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k.lower() != "embed"]
    base = request.url.path.split("/api/v1/")[0]  # the server's base path, if any
    path = f"{base}/" + ("" if page == "overview" else page)
    return RedirectResponse(f"{path}?{urlencode([*pairs, ('embed', 'true')])}", status_code=307)
