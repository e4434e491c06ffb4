"""Handouts (:mod:`lecture.handouts`, ``make handouts``): each deck prints to a PDF of one 16:9
page per slide, none blank, in the Chromium the site tests use.

Printing a deck costs 2 to 9 s of CPU (all eight: about 40 s), so ``make test`` prints one small
deck and ``make check-repeat`` every deck. Without Chromium the printing tests skip, except
under CI (``CI=true``), where they fail (the ``chromium_path`` fixture of ``tests/conftest.py``).
The slide count comes from the deck's HTML, the page count and size from the PDF's own page
tree, so neither side is the printer's word for itself.
"""

import os
import re
import zlib
from html.parser import HTMLParser

import nbformat
import pytest

# the fixtures site (the decks rendered once per test run) and browser_context (a headless
# Chromium) come from tests/conftest.py, shared with tests/test_site.py
from conftest import STEMS
from nbformat import v4

from lecture import handouts

SMALL = next(s for s in STEMS if s.startswith("03"))  # 27 slides, about 2 s of CPU
PAGE_PT = (b"960", b"540")  # 1280 x 720 px at 96 px per inch, in points: 16:9


class _Slides(HTMLParser):
    """Counts a deck's slides: the ``<section>`` elements with no ``<section>`` inside."""

    def __init__(self):
        super().__init__()
        self.open, self.count = [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            if self.open:
                self.open[-1] = True  # its parent is a stack of vertical slides
            self.open.append(False)

    def handle_endtag(self, tag):
        if tag == "section" and not self.open.pop():
            self.count += 1


def deck_slides(html: str) -> int:
    parser = _Slides()
    parser.feed(html)
    parser.close()
    return parser.count


def check_handout(stem, site, browser_context, tmp_path):
    deck = site.notebook(stem) / "slides" / f"{stem}.slides.html"
    pdf = tmp_path / f"{stem}.pdf"
    pages = handouts.print_deck(deck, pdf, browser_context.browser)
    slides = deck_slides(deck.read_text(encoding="utf-8"))
    data = pdf.read_bytes()
    root = re.findall(rb"<</Type /Pages\s*/Count (\d+)\s*/Kids \[[^\]]*\]>>", data)  # no /Parent
    marks = handouts.pdf_page_marks(pdf)
    assert slides > 1 and pages == slides, f"{stem}: {pages} pages for {slides} slides"
    assert root == [str(slides).encode()], f"{stem}: page tree counts {root}, deck has {slides}"
    assert len(marks) == slides and all(marks), f"{stem}: blank pages in {marks}"
    sizes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data))
    assert sizes == {PAGE_PT}, f"{stem}: page sizes {sizes}, want 1280 x 720 px"


def test_small_deck_handout(site, browser_context, tmp_path):
    check_handout(SMALL, site, browser_context, tmp_path)


@pytest.mark.slow
@pytest.mark.repeat
@pytest.mark.parametrize("stem", STEMS)
def test_handout(stem, site, browser_context, tmp_path):
    check_handout(stem, site, browser_context, tmp_path)


# Without a browser

def test_problems_name_each_fault():
    good = {"text": 120, "images": 1, "hidden": 0, "notes": 0, "below": -30.0, "right": -40.0,
            "width": 1280, "height": 719}
    pages = [good, {**good, "text": 0, "images": 0}, {**good, "hidden": 2}, {**good, "notes": 1},
             {**good, "below": 12.0}, {**good, "width": 1331, "height": 748}]
    problems = handouts._problems(pages, slides=7)
    assert problems == ["6 pages for 7 slides", "page 2 is blank", "page 3 hides 2 fragments",
                        "page 4 prints speaker notes",
                        "page 5 cuts off content (12 px below, -40 px right)",
                        "page 6 is 1331 x 748 px, not the slide's 1280 x 720"], problems
    assert handouts._problems([good, {**good, "text": 0}], slides=2) == []  # a figure alone


def _tiny_pdf(contents: list[bytes]) -> bytes:
    """A PDF laid out as Chromium writes one: per page a /Page object and a Flate content stream."""
    parts, kids = [b"%PDF-1.4\n"], []
    for i, content in enumerate(contents):
        page, stream = 10 + 2 * i, 11 + 2 * i
        body = zlib.compress(content)
        kids.append(b"%d 0 R" % page)
        parts.append(b"%d 0 obj\n<</Type /Page\n/MediaBox [0 0 960 540]\n/Contents %d 0 R\n"
                     b"/Parent 2 0 R>>\nendobj\n" % (page, stream))
        parts.append(b"%d 0 obj\n<</Filter /FlateDecode\n/Length %d>> stream\n%s\nendstream\n"
                     b"endobj\n" % (stream, len(body), body))
    parts.append(b"2 0 obj\n<</Type /Pages\n/Count %d\n/Kids [%s]>>\nendobj\n"
                 % (len(contents), b" ".join(kids)))
    return b"".join(parts)


def test_pdf_page_marks_find_blank_pages(tmp_path):
    pdf = tmp_path / "tiny.pdf"
    pdf.write_bytes(_tiny_pdf([b"q 1 1 1 rg 0 0 1280 720 re f Q\nBT /F4 18 Tf <0030> Tj ET\n",
                               b"q 1 1 1 rg 0 0 1280 720 re f Q\n",  # background only
                               b"q 960 0 0 540 0 0 cm /X26 Do Q\nBT <01> Tj ET BT <02> Tj ET\n"]))
    assert handouts.pdf_page_marks(pdf) == [1, 0, 3]


def test_decks_render_only_missing_or_stale(tmp_path, monkeypatch):
    """A deck is rendered when it is missing or older than its notebook or ``make lecture``'s
    executed copy (from the newer of the two), and otherwise reused."""
    from lecture import site as lecture_site

    rendered = []
    monkeypatch.setattr(lecture_site, "copy_assets", lambda build: None)
    monkeypatch.setattr(lecture_site, "render_deck", lambda nb, out, build: (
        rendered.append(nb.cells[0].source), out.write_text("deck")))
    monkeypatch.setattr(handouts, "RENDERER", [])  # the renderer is older than everything here
    notebooks, build = tmp_path / "notebooks", tmp_path / "build"
    for folder in (notebooks, build / "executed", build / "slides"):
        folder.mkdir(parents=True)
    stored, executed = notebooks / "01_a.ipynb", build / "executed" / "01_a.ipynb"
    nbformat.write(v4.new_notebook(cells=[v4.new_markdown_cell("stored")]), stored)

    def age(path, seconds):
        os.utime(path, (seconds, seconds))

    assert handouts.decks(build, [stored]) == [build / "slides" / "01_a.slides.html"]
    assert rendered == ["stored"]  # missing
    handouts.decks(build, [stored])
    assert rendered == ["stored"]  # up to date
    nbformat.write(v4.new_notebook(cells=[v4.new_markdown_cell("executed")]), executed)
    age(build / "slides" / "01_a.slides.html", 1_000)
    age(stored, 2_000)
    age(executed, 3_000)
    handouts.decks(build, [stored])
    assert rendered == ["stored", "executed"]  # older than make lecture's run
