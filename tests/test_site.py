"""The lecture site in a real browser, offline: the index, every notebook page and every deck.

Renders the notebooks' stored outputs once per test run into a folder all test workers share,
a notebook's page and deck when a test first needs them, by whichever worker gets there first
(as ``python -m lecture --no-execute`` does; the index's numbers are the ones the notebooks
recorded under nbval in this test run), or checks an existing build when ``COURSE_SITE_BUILD``
names one (e.g. ``COURSE_SITE_BUILD=build`` after ``make lecture``). Pages open from ``file://`` in
headless Chromium (Debian's ``chromium``: ``make browser`` installs it) with every non-file
request aborted. Without Chromium these tests skip, except under CI (``CI=true``), where they
fail. Screenshots go to ``build/screenshots/``. There is one page test and one deck test per
notebook, so pytest-xdist spreads the browser work over both cores. The JavaScript they run in
the pages is in ``tests/js/``.

``test_deck`` opens a notebook's deck once: offline, typeset, speaker notes, the arrow key
moves on to slide 2; then it visits every slide at 1280x720 and 1920x1080 and fails on a
slide that would need scrolling, a code, output, figure or equation box cut at the right, or
code under 12 px / prose under 16 px on screen; it prints the counts. Run it alone on
a build with ``COURSE_SITE_BUILD=build pytest tests/test_site.py -s -k test_deck``.
"""

import base64
import io
import json
import os
import pathlib
import re
import sys

import pytest
from conftest import RESULTS, STEMS

from lecture import deck, deckfit

RAW_MATH = re.compile(r"\$[^$\n]+\$|\$\$|\\\(|\\\[")

# Decks must fit common projectors, readably: every slide's content within the slide, no code,
# output, figure or equation cut at the right, code >= 12 px and prose >= 16 px on screen.
DECK_VIEWPORTS = ((1280, 720), (1920, 1080))
MIN_CODE_PX, MIN_PROSE_PX = 12, 16
JS = pathlib.Path(__file__).resolve().parent / "js"  # what the tests run in the pages


def js(name: str) -> str:
    """The JavaScript in ``tests/js/<name>.js``: a function for ``page.evaluate``, or a script
    for ``page.add_script_tag``."""
    return (JS / f"{name}.js").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def shots(root):
    folder = root / "build" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class OfflinePage:
    """A Chromium tab that only loads file:// and data: URLs and records everything else."""

    def __init__(self, context):
        self.outside, self.missing, self.errors = [], [], []
        self.page = context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("requestfailed", self._failed)
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))

    def _route(self, route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _failed(self, request):
        if request.url.startswith("file:"):
            self.missing.append(request.url)

    def open(self, path):
        self.page.goto(path.as_uri(), wait_until="load")
        self.typeset()
        return self.page

    def typeset(self):
        """Wait until MathJax has finished everything queued so far."""
        self.page.wait_for_function("window.MathJax && MathJax.isReady", timeout=60_000)
        self.page.evaluate("new Promise(done => MathJax.Hub.Queue(() => done(true)))")

    def check(self, *, figures):
        """Offline, no JS errors, equations typeset, figures decoded."""
        page = self.page
        assert not self.outside, f"page needed the network: {self.outside}"
        assert not self.missing, f"local files missing: {self.missing}"
        assert not self.errors, f"JavaScript errors: {self.errors}"
        math = page.evaluate(js("math_status"))
        assert math["sources"] > 0, "no equations found (MathJax did not run?)"
        assert math["rendered"] == math["sources"], f"not every equation was typeset: {math}"
        assert math["errors"] == 0 and not math["fontWarning"], f"MathJax errors: {math}"
        assert math["stixLoaded"], "MathJax's STIX web fonts did not load"
        raw = RAW_MATH.findall(page.evaluate(js("prose_text")))
        assert not raw, f"raw TeX left in the text: {raw[:5]}"
        widths = page.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
        if figures:
            assert widths, "no figures on the page"
        assert all(w > 0 for w in widths), f"figures that did not load: {widths}"
        return math, widths


def open_built(site, browser_context, stem, sub, suffix):
    """(tab, page): the notebook's file ``build/sub/<stem><suffix>``, opened offline."""
    build = site.notebook(stem)
    tab = OfflinePage(browser_context)
    return tab, tab.open(build / sub / f"{stem}{suffix}")


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_notebook_page(stem, site, browser_context, shots):
    tab, page = open_built(site, browser_context, stem, "html", ".html")
    math, widths = tab.check(figures=True)
    page.screenshot(path=str(shots / f"{stem[:2]}_page_top.png"))
    page.locator("img").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"{stem[:2]}_page_figure.png"))
    print(f"{stem}: {math['rendered']} equations, {len(widths)} figures", file=sys.stderr)
    page.close()


def _deck_fit(page, size):
    """Every slide of the deck open in ``page``, measured at window ``size``:
    list of (slide "h/v", measures)."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.wait_for_function("deckTest.scaled()", timeout=10_000)
    return [tuple(m) for m in page.evaluate("limits => deckTest.measureAll(limits)",
                                            [MIN_CODE_PX, MIN_PROSE_PX])]


def _deck_advances(tab, page, stem, shots):
    """Offline, typeset, speaker notes; the arrow key moves from the title slide to slide 2
    (slide transitions off, so nothing needs waiting for)."""
    # reveal.js marks the deck .ready as it fires "ready" (Reveal.isReady() is true earlier),
    # and the deck's "ready" handler queues MathJax's typesetting: wait for it, then for MathJax
    page.wait_for_selector(".reveal.ready", state="attached", timeout=30_000)
    page.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    tab.typeset()
    tab.check(figures=True)
    assert page.evaluate("Reveal.getTotalSlides()") > 1, stem
    assert page.evaluate("Reveal.getIndices().h") == 0, stem
    assert page.locator("aside.notes").count() > 0, f"{stem}: no speaker notes in the deck"
    page.screenshot(path=str(shots / f"{stem[:2]}_deck_slide1.png"))
    for _ in range(30):  # fragments on the first slide take a key press each
        page.keyboard.press("ArrowRight")
        if page.evaluate("Reveal.getIndices().h") >= 1:
            break
    assert page.evaluate("Reveal.getIndices().h") == 1, f"{stem}: deck stuck on slide 1"
    tab.typeset()
    assert page.evaluate("Reveal.getCurrentSlide().offsetHeight") > 0, stem
    assert "#/1" in page.url, page.url
    page.screenshot(path=str(shots / f"{stem[:2]}_deck_slide2.png"))
    tab.check(figures=True)


def _deck_fits(tab, page, stem, shots):
    """Problems ("where: what") of every slide at every viewport; screenshot of the fullest."""
    failures = []
    for size in DECK_VIEWPORTS:
        slides = _deck_fit(page, size)
        bad = [(where, m) for where, m in slides if m["problems"]]
        code = min(m["code"] for _, m in slides)
        prose = min(m["prose"] for _, m in slides)
        print(f"{stem} {size[0]}x{size[1]}: {len(slides)} slides, {len(bad)} overflowing "
              f"(smallest code {code:.1f} px, prose {prose:.1f} px)", file=sys.stderr)
        failures += [f"{stem} {size[0]}x{size[1]} slide {where}: {'; '.join(m['problems'])}"
                     for where, m in bad]
        if size == DECK_VIEWPORTS[0]:  # the fullest slide, all fragments shown
            fullest = max(range(len(slides)), key=lambda i: slides[i][1]["height"])
            page.evaluate("i => deckTest.goToSlide(i)", fullest)
            page.evaluate("while (Reveal.nextFragment()) {}")
            tab.typeset()
            page.wait_for_timeout(300)  # fragments fade in
            page.screenshot(path=str(shots / f"{stem[:2]}_deck.png"))
    return failures


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_deck(stem, site, browser_context, shots):
    """The deck works offline and advances, and every slide fits 1280x720 and 1920x1080
    readably: no scrolling, nothing cut."""
    tab, page = open_built(site, browser_context, stem, "slides", ".slides.html")
    page.add_script_tag(content=js("deck"))  # window.deckTest
    _deck_advances(tab, page, stem, shots)
    failures = _deck_fits(tab, page, stem, shots)
    assert not tab.outside and not tab.missing and not tab.errors, (
        stem, tab.outside, tab.missing, tab.errors)
    page.close()
    assert not failures, f"{len(failures)} slides do not fit:\n" + "\n".join(failures)


# The whole site (run after the notebook tests, which spread the rendering over the workers)

@pytest.mark.slow
def test_files_reference_no_network(site):
    build, stems = site.everything(), site.stems
    files = [build / "html" / "index.html"]
    files += [build / sub / f"{stem}{ext}" for stem in stems
              for sub, ext in (("html", ".html"), ("slides", ".slides.html"))]
    for path in files:
        text = path.read_text(encoding="utf-8")
        remote = re.findall(r"""(?:src|href)=["'](https?:[^"']+)|from ['"](https?:[^'"]+)""",
                            text)
        assert not remote, f"{path.name} loads from the network: {remote[:3]}"
    assert (build / "assets" / "mathjax" / "MathJax.js").exists()
    assert (build / "assets" / "reveal.js" / "dist" / "reveal.js").exists()
    assert (build / "assets" / "reveal.js" / "LICENSE").exists()


@pytest.mark.slow
def test_index_page(site, browser_context, shots):
    build, stems = site.everything(), site.stems
    tab = OfflinePage(browser_context)
    page = tab.open(build / "html" / "index.html")
    tab.check(figures=False)
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    for stem in stems:
        assert any(h.endswith(f"html/{stem}.html") for h in hrefs), hrefs
        assert any(h.endswith(f"slides/{stem}.slides.html") for h in hrefs), hrefs
    assert all(h.startswith("file:") for h in hrefs), hrefs
    text = page.inner_text("body")
    assert re.search(r"\d+\.\d s · \d+ claims checked, \d+ hold", text), text[:500]
    rows = page.locator("table.claims tr.holds, table.claims tr.fails")
    claims = sum(len(json.loads(p.read_text())) for p in RESULTS.glob("*.claims.json"))
    if not os.environ.get("COURSE_SITE_BUILD"):  # this run's claims, one row each, with verdicts
        assert claims > 0 and rows.count() == claims, (rows.count(), claims)
    assert page.locator("table.claims tr.fails").count() == 0, "a claim fails on the index"
    page.screenshot(path=str(shots / "index.png"))



def _png(width, height):
    """Base64 of a blank PNG of that size."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_deck_layout_rules():
    """The deck's preprocessor: deck-skip and NBVAL lines leave, long code and output split,
    a tall figure is scaled to the slide, solutions go to the notes, every slide fits."""
    import nbformat
    from nbformat import v4

    def cell(make, source, kind="-", **kw):
        c = make(source, **kw)
        c.metadata["slideshow"] = {"slide_type": kind}
        return c

    long_code = "\n\n".join(f"def f{i}(x):\n    y = x + {i}\n    return y" for i in range(20))
    figure = v4.new_output("display_data", data={"image/png": _png(800, 1400),
                                                 "text/plain": "<Figure>"})
    printed = v4.new_output("stream", name="stdout", text="".join(f"{i}\n" for i in range(90)))
    nb = v4.new_notebook(cells=[
        cell(v4.new_markdown_cell, "# Title\n\nIntro.", "slide"),
        cell(v4.new_code_cell, "import os  # plumbing", "-", metadata={"tags": ["deck-skip"]}),
        cell(v4.new_markdown_cell, "## Section\n\nThe code:", "slide"),
        cell(v4.new_code_cell, long_code),
        cell(v4.new_code_cell, "# NBVAL_CHECK_OUTPUT\nshow()", "fragment", outputs=[figure]),
        cell(v4.new_code_cell, "print(lines)", outputs=[printed]),
        cell(v4.new_markdown_cell, "## Exercises\n\n1. Do it.\n\n<details>\n<summary>Solutions"
             "</summary>\n\n1. Done.\n</details>", "slide"),
    ])
    out, resources = deck.DeckLayout().preprocess(nb, {})
    nbformat.validate(out)
    sources = [c.source for c in out.cells]
    assert not any("import os" in s or "NBVAL" in s for s in sources), sources
    kinds = [c.metadata.slideshow.slide_type for c in out.cells]
    assert kinds[0] == "slide" and kinds.count("slide") == 3, kinds
    code = [c for c in out.cells if c.cell_type == "code" and "def f" in c.source]
    assert len(code) >= 2 and "".join(c.source for c in code).count("def f") == 20
    assert all(deckfit.code_height(c.source.splitlines()) <= deckfit.BUDGET for c in code)
    width = next(o for c in out.cells if c.cell_type == "code" for o in c.outputs
                 if "image/png" in o.get("data", {})).metadata["image/png"]["width"]
    assert width * 1400 / 800 <= deckfit.BUDGET, width
    parts = [o.text for c in out.cells if c.cell_type == "code" for o in c.outputs
             if o.output_type == "stream"]
    assert len(parts) >= 2 and "".join(parts) == printed.text
    notes = [c.source for c in out.cells if c.metadata.slideshow.slide_type == "notes"]
    assert any("Done." in n and "<details>" not in n for n in notes), notes
    assert resources["deck"]["width"] == deckfit.SLIDE_W
    # each sub-slide's estimated content fits
    for slide in deck_slides(out):
        assert sum(deck_height(c) for c in slide) <= deckfit.BUDGET + 1, [c.source[:40]
                                                                         for c in slide]


def deck_slides(nb):
    """The laid-out cells grouped by (sub-)slide, notes left out."""
    slides = []
    for c in nb.cells:
        kind = c.metadata.slideshow.slide_type
        if kind in ("slide", "subslide") or not slides:
            slides.append([])
        if kind != "notes":
            slides[-1].append(c)
    return slides


def deck_height(c):
    """Estimated height of a laid-out cell (figures at the width the layout gave them)."""
    if c.source.startswith('<p class="deck-cont">'):
        return deckfit.CONT_HEIGHT
    if c.cell_type == "markdown":
        return sum(deckfit.block_height(k, t) for k, t, _ in deckfit.md_blocks(c.source))
    height = deckfit.code_height(c.source.splitlines()) if c.source else 0.0
    for o in c.outputs:
        if "image/png" in o.get("data", {}):
            w, h = deckfit.png_size(o.data["image/png"])
            height += h * o.metadata["image/png"]["width"] / w + deckfit.FIGURE_GAP
        else:
            height += deckfit.output_height(o)
    return height
