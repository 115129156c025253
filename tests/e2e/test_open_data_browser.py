"""Open data in the real browser (issue 21), against `rtop serve` over the sample database:

- a route's CSV is the page's own CSV download for the same link, byte for byte: the
  observations route and the Exports page; a bundle's tracker CSV and the tracker's download;
- the ZIP button beside a chart's downloads gives its bundle (CSV, PNG, SVG, datapackage.json
  that the frictionless validator passes, README);
- an embed (`?embed=1`) in an iframe on a local page shows the view alone: its chart, no
  sidebar or navigation, and a footer with the data version and a link back to the full view.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.e2e.test_browser import (
    IDLE,
    LOCAL_HOSTS,
    PLOTLY_READY,
    RENDER_TIMEOUT_MS,
    VIEWPORT,
    App,
    in_own_chromium,
    sample_server,
)

pytestmark = pytest.mark.e2e

LINK = "participants=VNM,THA&from=2011&to=2024&sample=1"


@pytest.fixture(scope="module")
def served(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with sample_server(template_dir, tmp_path_factory, name="e2e-open-data") as running:
        yield running


def _route(app: App, path: str) -> bytes:
    with requests.Session() as http:
        http.trust_env = False
        got = http.get(f"{app.url}{path}", timeout=300)
    assert got.status_code == 200, (path, got.text)
    return got.content


def _download(page: Any, key: str) -> tuple[str, bytes]:
    button = page.locator(f".st-key-{key} button").first  # with help, the tooltip holds a copy
    button.wait_for(timeout=RENDER_TIMEOUT_MS)
    with page.expect_download(timeout=120_000) as download:
        button.click()
    return download.value.suggested_filename, Path(download.value.path()).read_bytes()


def _open(context: Any, url: str) -> Any:
    page = context.new_page()

    def local_only(route: Any) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS or route.request.url.startswith(
            ("data:", "about:")
        ):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", local_only)
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
    return page


def _page_downloads(chromium: Any, app: App) -> dict[str, tuple[str, bytes]]:
    context = chromium.new_context(viewport=VIEWPORT, accept_downloads=True)
    try:
        exports = _open(context, f"{app.url}/exports?{LINK}")
        got = {"observations": _download(exports, "dl_export_data_csv")}
        tracker = _open(context, f"{app.url}/recommendations?{LINK}")
        tracker.wait_for_selector(PLOTLY_READY, timeout=RENDER_TIMEOUT_MS)
        got["tracker"] = _download(tracker, "dl_tracker_heatmap_csv")
        got["tracker_zip"] = _download(tracker, "dl_tracker_heatmap_zip")
        return got
    finally:
        context.close()


def test_a_routes_csv_is_the_pages_csv_download(served: App, tmp_path: Path) -> None:
    downloads = in_own_chromium(_page_downloads, served)
    name, page_csv = downloads["observations"]
    assert name == "rtop-observations-2011-2024-sample.csv"  # as the Exports page names it
    route_csv = _route(served, f"/api/v1/observations.csv?{LINK}")
    assert b"SAMPLE DATA" in route_csv and len(route_csv.splitlines()) > 10
    assert route_csv == page_csv

    name, tracker_csv = downloads["tracker"]
    bundle = _route(served, f"/api/v1/bundle/recommendations.zip?{LINK}&chart=tracker")
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        assert zf.read(name) == tracker_csv
        assert {n.rsplit(".", 1)[-1] for n in zf.namelist()} == {"csv", "png", "svg", "json", "md"}

    zip_name, page_zip = downloads["tracker_zip"]
    assert zip_name == name.replace(".csv", ".zip")
    folder = tmp_path / "bundle"
    with zipfile.ZipFile(io.BytesIO(page_zip)) as zf:
        assert zf.read(name) == tracker_csv  # the button's bundle holds the same CSV
        zf.extractall(folder)
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["method_version"] and package["data_version"].startswith("release ")
    assert "SAMPLE DATA" in (folder / "README.md").read_text(encoding="utf-8")
    from frictionless import validate

    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def _embedded(chromium: Any, app: App, tmp_path: Path) -> dict[str, Any]:
    """A local page (a file of its own, not served by the app) with the embed in an iframe."""
    host = tmp_path / "partner.html"
    src = f"{app.url}/recommendations?participants=VNM,THA&to=2024&embed=1"
    host.write_text(
        "<!doctype html><title>Partner</title><h1>A partner's page</h1>"
        f'<iframe title="RtoP tracker" src="{src}" width="1200" height="1400"></iframe>',
        encoding="utf-8",
    )
    context = chromium.new_context(viewport={"width": 1300, "height": 1600})
    try:
        page = context.new_page()
        page.goto(host.as_uri(), wait_until="domcontentloaded")
        frame = page.frame_locator("iframe")
        frame.locator('[data-testid="stMain"] h1').first.wait_for(timeout=RENDER_TIMEOUT_MS)
        frame.locator(PLOTLY_READY).first.wait_for(timeout=RENDER_TIMEOUT_MS)
        frame.locator(IDLE).wait_for(timeout=RENDER_TIMEOUT_MS)
        footer = frame.locator(".rtop-embed-footer")
        footer.wait_for(timeout=RENDER_TIMEOUT_MS)
        inner = next(f for f in page.frames if f.url.startswith(app.url))
        return {
            "title": frame.locator('[data-testid="stMain"] h1').first.inner_text(),
            "frame_url": inner.url,
            "sidebar": frame.locator('[data-testid="stSidebar"]').is_visible(),
            "nav": frame.locator('[data-testid="stSidebarNav"]').count(),
            "header": frame.locator('[data-testid="stHeader"]').is_visible(),
            "footer": footer.inner_text(),
            "back": footer.get_by_role("link").get_attribute("href"),
            "errors": frame.locator('[data-testid="stException"]').count(),
        }
    finally:
        context.close()


def test_an_embed_in_an_iframe_shows_the_view_alone(served: App, tmp_path: Path) -> None:
    shown = in_own_chromium(_embedded, served, tmp_path)
    assert shown["title"] == "Recommendation tracker"
    assert parse_qs(urlsplit(shown["frame_url"]).query)["embed"] == ["true"]  # Streamlit's own
    assert not shown["sidebar"] and shown["nav"] == 0 and not shown["header"]
    assert shown["errors"] == 0
    version = requests.get(f"{served.url}/api/v1/participants.csv", timeout=60).headers[
        "x-rtop-data-version"
    ]
    assert f"data version {version}" in shown["footer"]
    back = urlsplit(shown["back"])
    assert back.path == "/recommendations" and "embed" not in parse_qs(back.query)
    assert parse_qs(back.query)["participants"] == ["VNM,THA"]
