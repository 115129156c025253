"""The map as a person sees it in Chromium: Southeast Asia's inset is drawn, a point in it
answers with the participant's name, a click on it explains its status, and a filter change
sends the data's colours rather than the map again (its outlines and labels' image are fetched
once, from this machine). Screenshots go to test-artifacts/screenshots/map-*.png."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from dashboard import maps
from dashboard.core.db import make_engine
from dashboard.filters import Filters
from dashboard.views import map as map_view
from dashboard.views.dataset import load_dataset
from tests.e2e.test_browser import (
    DECK_CANVAS,
    LOCAL_HOSTS,
    RENDER_TIMEOUT_MS,
    SHOTS,
    App,
    idle,
    in_own_chromium,
    sample_server,
)

pytestmark = pytest.mark.e2e

MAIN = '[data-testid="stMain"]'
DECK = '[data-testid="stDeckGlJsonChart"]'
MAP_PAGE = (879, 560)  # the canvas pages/map.py fits the picture to (maps.deck's default)
OVERVIEW = (518, 420)  # and pages/overview.py
DECK_LIMIT = 25_000  # bytes of the deck's message on a rerun (the Overview's was 115 kB)


@pytest.fixture(scope="module")
def map_app(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with sample_server(template_dir, tmp_path_factory, name="map-e2e") as running:
        yield running


def _scene(app: App, size: tuple[int, int]) -> maps.Scene:
    """The scene the app draws at that canvas size (it depends on the participants only)."""
    assert app.db is not None
    ds = load_dataset(engine=make_engine(url=f"sqlite:///{app.db}"), include_sample=False)
    values = map_view.map_values(ds=ds, filters=Filters(), layer="R1", year=2024)
    return maps.scene_for(values, width=size[0], height=size[1])


def _deck_messages(frames: list[bytes | str]) -> list[int]:
    """Sizes of the deck elements among websocket frames (Streamlit's ForwardMsg protobufs)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    sizes = []
    for payload in frames:
        if not isinstance(payload, bytes):
            continue
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except Exception:  # noqa: BLE001, S112 - not every frame is a ForwardMsg
            continue
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            if msg.delta.new_element.WhichOneof("type") == "deck_gl_json_chart":
                sizes.append(len(msg.delta.new_element.deck_gl_json_chart.json))
    return sizes


class Watch:
    """Every request and websocket frame a page makes."""

    def __init__(self, page: Any) -> None:
        self.requests: list[str] = []
        self.frames: list[bytes | str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("websocket", lambda ws: ws.on("framereceived", lambda p: self.frames.append(p)))

        def route(r: Any) -> None:
            if (
                r.request.url.split("/")[2].split(":")[0] in LOCAL_HOSTS
            ) or r.request.url.startswith(("data:", "blob:")):
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)

    def media(self) -> list[str]:
        return [u for u in self.requests if "/media/" in u]


def _drawn(page: Any) -> None:
    idle(page)
    page.wait_for_function(
        "(sel) => { const c = document.querySelector(sel); return c && c.width > 200; }",
        arg=DECK_CANVAS,
        timeout=RENDER_TIMEOUT_MS,
    )
    page.evaluate(  # deck.gl draws after its element appears: two animation frames
        "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
    )


def _to_screen(page: Any, scene: maps.Scene, x: float, y: float) -> tuple[float, float]:
    """Where a point of the scene is on the page: the picture is centred in the canvas."""
    box = page.locator(DECK).first.bounding_box()
    return (
        box["x"] + x + (box["width"] - scene.picture.width) / 2,
        box["y"] + y + (box["height"] - scene.picture.height) / 2,
    )


def _inset_frame_drawn(page: Any, scene: maps.Scene) -> bool:
    """The inset's dark frame is on the canvas where the scene puts it."""
    inset = scene.picture.box_px(scene.picture.target)
    x0, y0 = _to_screen(page, scene, inset.x0, inset.y0)
    x1, y1 = _to_screen(page, scene, inset.x1, inset.y1)
    shot = Image.open(io.BytesIO(page.screenshot(clip={
        "x": x0 - 4, "y": y0 - 4, "width": x1 - x0 + 8, "height": y1 - y0 + 8}))).convert("RGB")  # fmt: skip
    w, h = shot.size
    left = [shot.getpixel((dx, h // 2)) for dx in range(0, 9)]
    bottom = [shot.getpixel((w // 2, h - 1 - dy)) for dy in range(0, 9)]
    return all(any(max(p) < 110 for p in edge) for edge in (left, bottom))


def _scenario(chromium: Any, app: App) -> dict[str, Any]:
    out: dict[str, Any] = {}
    context = chromium.new_context(viewport={"width": 1600, "height": 1100})
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{app.url}/map", wait_until="domcontentloaded")
    page.wait_for_selector(f"{MAIN} h1", timeout=RENDER_TIMEOUT_MS)
    _drawn(page)
    page.locator(DECK).first.scroll_into_view_if_needed()
    _drawn(page)
    scene = _scene(app, MAP_PAGE)
    out["map_inset"] = _inset_frame_drawn(page, scene)
    vnm = next(m for m in scene.markers if m.code == "VNM" and m.where == "inset")
    x, y = _to_screen(page, scene, vnm.x, vnm.y)
    page.mouse.move(x, y)
    tip = page.locator(".deck-tooltip")
    tip.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    out["tooltip"] = tip.inner_text()
    page.screenshot(path=str(SHOTS / "map-inset-hover.png"))
    media_before = list(watch.media())
    page.mouse.click(x, y)
    # the answer opens in a drawer beside the map (issue 19 item 8)
    drawer = page.locator('[data-testid="stDialog"]', has_text="Why this status?")
    drawer.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    idle(page)
    out["why"] = drawer.inner_text()
    page.keyboard.press("Escape")
    drawer.wait_for(state="hidden", timeout=RENDER_TIMEOUT_MS)
    out["media_on_map"] = media_before
    # the Overview, then a filter change there
    page.goto(f"{app.url}/", wait_until="domcontentloaded")
    page.wait_for_selector(f"{MAIN} h1", timeout=RENDER_TIMEOUT_MS)
    page.locator(DECK).first.scroll_into_view_if_needed()
    _drawn(page)
    overview = _scene(app, OVERVIEW)
    out["overview_inset"] = _inset_frame_drawn(page, overview)
    page.locator(DECK).first.screenshot(path=str(SHOTS / "map-overview.png"))
    fetched = len(watch.media())
    watch.frames.clear()
    page.locator('[data-testid="stSidebar"] .st-key-f_pillars').click()
    page.get_by_role("option", name="Pillar 1", exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => location.search.includes('pillars=1')", timeout=RENDER_TIMEOUT_MS)
    _drawn(page)
    out["filter_decks"] = _deck_messages(watch.frames)
    out["media_refetched"] = watch.media()[fetched:]
    out["external"] = [
        u for u in watch.requests
        if not u.startswith(("data:", "blob:")) and u.split("/")[2].split(":")[0] not in LOCAL_HOSTS
    ]  # fmt: skip
    context.close()
    return out


def test_the_inset_answers_and_a_filter_change_sends_only_colours(map_app: App) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    seen = in_own_chromium(_scenario, map_app)
    assert seen["map_inset"] and seen["overview_inset"], "no inset frame where the scene has it"
    assert seen["tooltip"].startswith("Viet Nam") and "VNM" not in seen["tooltip"]
    assert "Status:" in seen["tooltip"]
    assert "Why this status?" in seen["why"] and "Viet Nam, R1" in seen["why"]
    fetched = seen["media_on_map"]
    assert any(u.endswith(".json") for u in fetched) and any(u.endswith(".png") for u in fetched)
    assert seen["filter_decks"], "the filter change sent no map"
    assert all(size < DECK_LIMIT for size in seen["filter_decks"]), seen["filter_decks"]
    assert seen["media_refetched"] == []  # outlines and labels' image: not sent again
    assert seen["external"] == []


def _return_scenario(chromium: Any, app: App) -> list[tuple[str, str]]:
    """Overview, Map, Overview in a context without request routing (Playwright's routing
    turns the HTTP cache off): where each map file came from, in order."""
    context = chromium.new_context(viewport={"width": 1600, "height": 1100})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    seen: list[tuple[str, str]] = []

    def on_response(event: dict[str, Any]) -> None:
        url, response = event["response"]["url"], event["response"]
        if "/media/" in url and url.endswith((".json", ".png")):
            cached = response.get("fromDiskCache") or response.get("fromMemoryCache")
            seen.append((url.rsplit("/", 1)[-1], "cache" if cached else "network"))

    cdp.on("Network.responseReceived", on_response)
    for path in ("", "map", ""):
        if path == "" and seen:
            page.locator('[data-testid="stSidebarNav"]').get_by_role(
                "link", name="Overview"
            ).click()
        elif path:
            page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Map").click()
        else:
            page.goto(f"{app.url}/", wait_until="domcontentloaded")
        page.wait_for_selector(f"{MAIN} h1", timeout=RENDER_TIMEOUT_MS)
        page.locator(DECK).first.scroll_into_view_if_needed()
        _drawn(page)
        page.wait_for_function(
            "() => performance.getEntriesByType('resource')"
            ".filter(e => e.name.includes('/media/') && e.name.endsWith('.png')).length >= 1",
            timeout=RENDER_TIMEOUT_MS,
        )
        seen.append(("--", path or "overview"))
    context.close()
    return seen


def test_a_map_shown_again_takes_its_files_from_the_browser_cache(map_app: App) -> None:
    """Back on a page whose map did not change, nothing of it is fetched again: the deck's
    message is Streamlit's cached one and its files come from the browser's cache."""
    seen = in_own_chromium(_return_scenario, map_app)
    marks = [i for i, (name, _) in enumerate(seen) if name == "--"]
    first, back = seen[: marks[0]], seen[marks[1] + 1 : marks[2]]
    assert {w for _, w in first} == {"network"} and len(first) == 2, seen
    assert [n for n, _ in back] == [n for n, _ in first], seen  # the same files ...
    assert {w for _, w in back} == {"cache"}, seen  # ... not sent again
