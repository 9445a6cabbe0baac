"""AppTest tests of the Print page (pages/print.py): year, view and format, preview, download.

The page's files go to Streamlit's media file manager: the preview as an
image, the download, once prepared, as a file sent with the page. A spy on
the manager keeps what the page handed it and lets the real manager go on,
so that the tests can open the real files.
"""

from __future__ import annotations

import io

import pytest
from conftest import run
from PIL import Image
from streamlit.runtime.media_file_manager import MediaFileManager

from geo.render import FORMATS, PNG_DPI, PREVIEW_DPI

PAGE = "pages/print.py"
PREPARE = "print_prepare"


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict]:
    """What the page gives the media file manager: images, and downloads by file name."""
    made: dict[str, dict] = {"images": {}, "downloads": {}}
    add = MediaFileManager.add

    def spy_add(self, data, mimetype, coordinates, file_name=None, *args, **kwargs):
        if file_name is not None:
            made["downloads"][file_name] = (data, mimetype)
        elif mimetype.startswith("image/"):
            made["images"][coordinates] = data
        return add(self, data, mimetype, coordinates, file_name, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", spy_add)
    return made


def _download(media: dict, name: str) -> tuple[bytes, str]:
    data, mime = media["downloads"][name]
    assert isinstance(data, bytes)
    return data, mime


def test_the_page_opens_on_1860_held_by_as_png_with_a_preview(load_page, media):
    at = run(load_page(PAGE))
    assert at.title[0].value == "Print a map"
    assert at.slider(key="print_year").value == 1860
    view, fmt = at.radio(key="print_view"), at.radio(key="print_format")
    assert (view.value, fmt.value) == ("control", "png")
    assert list(view.options) == ["Control", "Sovereignty", "China's claim", "Russia's claim"]
    assert list(fmt.options) == [f.upper() for f in FORMATS]
    # nothing is drawn at full resolution until it is asked for
    assert not at.get("download_button") and not media["downloads"]
    at.button(key=PREPARE).click()
    run(at)
    [button] = at.get("download_button")
    assert button.key == "print_download" and button.proto.label == "Download this map (PNG)"
    # the preview: one PNG of a landscape A4 page
    [image] = media["images"].values()
    preview = Image.open(io.BytesIO(image))
    assert preview.format == "PNG"
    assert preview.width / preview.height == pytest.approx(297 / 210, rel=0.01)
    assert "1860, held by" in at.get("image")[0].proto.imgs[0].caption
    # the download at full resolution
    data, mime = _download(media, "sino-russian-border-1860-control.png")
    assert mime == "image/png"
    full = Image.open(io.BytesIO(data)).width
    assert full == pytest.approx(preview.width * PNG_DPI / PREVIEW_DPI, rel=0.01)


def test_the_download_follows_the_year_view_and_format(load_page, media):
    at = run(load_page(PAGE))
    at.slider(key="print_year").set_value(1905)
    at.radio(key="print_view").set_value("sovereign")
    at.radio(key="print_format").set_value("pdf")
    at.button(key=PREPARE).click()
    run(at)
    assert at.get("download_button")[0].proto.label == "Download this map (PDF)"
    assert "1905, sovereign by treaty" in at.get("image")[0].proto.imgs[0].caption
    data, mime = _download(media, "sino-russian-border-1905-sovereign.pdf")
    assert mime == "application/pdf"
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def test_a_link_opens_the_page_on_its_year_and_view(load_page, media):
    at = load_page(PAGE)
    at.query_params["year"] = "1945"
    at.query_params["view"] = "russia"
    run(at)
    assert at.slider(key="print_year").value == 1945
    assert at.radio(key="print_view").value == "russia"
    at.button(key=PREPARE).click()
    run(at)
    assert "sino-russian-border-1945-russia.png" in media["downloads"]
    # another year takes the prepared file away again
    at.slider(key="print_year").set_value(1946)
    run(at)
    assert not at.get("download_button")


def test_open_on_the_map_takes_the_year_and_view(load_page, media):
    at = load_page(PAGE)
    at.query_params["year"] = "1900"
    at.query_params["view"] = "sovereign"
    run(at)
    [link] = at.get("page_link")
    assert link.value == "Open on the map"
    assert link.proto.query_string == "year=1900&view=sovereign"
