"""The embeddable pages in a real browser: a municipality's site on another origin frames
each of them; a site the area does not list is refused by the browser itself; each
passes axe, also at 375 px."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from yhdyspinta.areas.models import Area

pytestmark = pytest.mark.browser

WIDGETS = {
    "structure": "Pohjois-Karjala: Yhteistyörakenne",
    "obligations": "Pohjois-Karjala: Lakisääteiset velvoitteet",
    "clock": "Pohjois-Karjala: Vuosikello",
}


@contextmanager
def _site(frame_src: str):
    """A municipality's own site on another origin (another port of 127.0.0.1): one
    page with the frame."""
    body = (
        "<!DOCTYPE html><html lang='fi'><head><title>Kunnan sivu</title></head><body>"
        f"<h1>Kunnan oma sivu</h1><iframe src='{frame_src}' width='720' height='600' "
        "title='Upotettu'></iframe></body></html>"
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_listed_site_frames_each_widget_and_another_is_refused(page, live_demo):
    for kind in WIDGETS:
        _framed(page, f"{live_demo.url}/pohjois-karjala/embed/{kind}/", kind)


def _framed(page, src: str, kind: str) -> None:
    with _site(src) as listed, _site(src) as other:
        Area.objects.filter(slug="pohjois-karjala").update(embed_origins=listed)
        page.goto(listed + "/")
        frame = page.frame_locator("iframe")
        expect(frame.get_by_role("heading", level=1)).to_contain_text(WIDGETS[kind])
        expect(frame.get_by_role("link", name="Avaa Yhdyspinnassa")).to_be_visible()

        refused = []
        page.on("console", lambda m: refused.append(m.text) if "frame-ancestors" in m.text else 0)
        page.goto(other + "/")
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        embedded = page.frames[-1]
        assert embedded is not page.main_frame
        # The browser shows its own error page in the frame, never the widget.
        assert embedded.url.startswith("chrome-error://"), embedded.url
        assert WIDGETS[kind] not in embedded.content()
        assert refused, "the browser should report the refused frame"


def test_the_widgets_and_the_national_page_pass_axe(browser, live_demo, check_accessibility):
    for width in (1280, 375):
        _accessible(browser, live_demo, check_accessibility, width)


def _accessible(browser, live_demo, check_accessibility, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fi-FI")
    page = context.new_page()
    try:
        for kind in WIDGETS:
            page.goto(f"{live_demo.url}/pohjois-karjala/embed/{kind}/")
            check_accessibility(page, f"embed-{kind}-{width}")
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= max(width, 400), f"{kind} is {wide} px wide at {width}"
        page.goto(f"{live_demo.url}/national/?year=2025")
        check_accessibility(page, f"national-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= max(width, 400)
    finally:
        context.close()
