"""The lecture site in a real browser, offline: the index, every notebook page and every deck.

Renders every notebook's stored outputs into a temporary folder with the real runner
(``python -m lecture --no-execute``; the index's numbers are the ones the notebooks recorded
under nbval in this test run), or checks an existing build when ``COURSE_SITE_BUILD`` names one
(e.g. ``COURSE_SITE_BUILD=build`` after ``make lecture``). Pages open from ``file://`` in
headless Chromium (Debian's ``chromium``: ``make browser`` installs it) with every non-file
request aborted. Without Chromium these tests skip, except under CI (``CI=true``), where they
fail. Screenshots go to ``build/screenshots/``.
"""

import os
import re
import shutil
import sys

import pytest
from conftest import RESULTS

from lecture import run


# Browser tests share one site build; the group keeps them on one xdist worker.
def _site_test(fn):
    return pytest.mark.slow(pytest.mark.xdist_group("site")(fn))

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
RAW_MATH = re.compile(r"\$[^$\n]+\$|\$\$|\\\(|\\\[")

# Text of rendered markdown (code and MathJax's source scripts removed), for the raw-$ check.
PROSE_JS = """() => Array.from(document.querySelectorAll(
    '.jp-RenderedMarkdown, .jp-RenderedHTMLCommon, li.nb, h1, h2, h3, p')).map(el => {
  const c = el.cloneNode(true);
  c.querySelectorAll('code, pre, script, .MathJax, .MathJax_Display, .MJX_Assistive_MathML')
   .forEach(x => x.remove());
  return c.textContent; }).join('\\n')"""

MATH_JS = """() => ({
  sources: document.querySelectorAll('script[type^="math/tex"]').length,
  rendered: document.querySelectorAll('span.MathJax').length,
  errors: document.querySelectorAll('.MathJax_Error, .merror, .noError').length,
  fontWarning: !!document.getElementById('MathJax_FontWarning'),
  stixLoaded: Array.from(document.fonts).some(f => /STIX/.test(f.family) && f.status === 'loaded'),
})"""


def _find_chromium():
    for name in (os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


@pytest.fixture(scope="session")
def chromium_path():
    """Debian's Chromium (or ``$CHROMIUM``); skip locally without it, fail under CI."""
    path = _find_chromium()
    if path is None:
        message = ("no Chromium: run `make browser` (as root it installs Debian's `chromium`; "
                   "else `sudo apt-get install chromium`) or set CHROMIUM=/path/to/chrome")
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message + "; CI must check the offline site")
        pytest.skip(message + "; the offline site was not checked")
    return path


@pytest.fixture(scope="session")
def site(root, tmp_path_factory):
    """(build folder, stems of the notebooks built there) of a built site."""
    if os.environ.get("COURSE_SITE_BUILD"):  # check every notebook of an existing build
        build = (root / os.environ["COURSE_SITE_BUILD"]).resolve()
        stems = sorted(p.stem for p in (build / "html").glob("[0-9][0-9]_*.html"))
        assert stems, f"no notebook pages in {build / 'html'}: run `make lecture` first"
    else:  # render every notebook's stored outputs, with the numbers of this test run
        stems = [p.stem for p in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
        build = tmp_path_factory.mktemp("site")
        assert run.main(["--no-execute", "--results", str(RESULTS), "--build", str(build)]) == 0
    return build, stems


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
        math = page.evaluate(MATH_JS)
        assert math["sources"] > 0, "no equations found (MathJax did not run?)"
        assert math["rendered"] == math["sources"], f"not every equation was typeset: {math}"
        assert math["errors"] == 0 and not math["fontWarning"], f"MathJax errors: {math}"
        assert math["stixLoaded"], "MathJax's STIX web fonts did not load"
        raw = RAW_MATH.findall(page.evaluate(PROSE_JS))
        assert not raw, f"raw TeX left in the text: {raw[:5]}"
        widths = page.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
        if figures:
            assert widths, "no figures on the page"
        assert all(w > 0 for w in widths), f"figures that did not load: {widths}"
        return math, widths


@pytest.fixture(scope="session")
def browser_context(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True,
                                     args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800},
                                      service_workers="block")
        yield context
        browser.close()


@_site_test
def test_files_reference_no_network(site):
    build, stems = site
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


@_site_test
def test_index_page(site, browser_context, shots):
    build, stems = site
    tab = OfflinePage(browser_context)
    page = tab.open(build / "html" / "index.html")
    tab.check(figures=False)
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    for stem in stems:
        assert any(h.endswith(f"html/{stem}.html") for h in hrefs), hrefs
        assert any(h.endswith(f"slides/{stem}.slides.html") for h in hrefs), hrefs
    assert all(h.startswith("file:") for h in hrefs), hrefs
    text = page.inner_text("body")
    assert re.search(r"\d+\.\d s · \d+ recorded numbers", text), text[:500]
    page.screenshot(path=str(shots / "index.png"))


@_site_test
def test_notebook_pages(site, browser_context, shots):
    build, stems = site
    for stem in stems:
        tab = OfflinePage(browser_context)
        page = tab.open(build / "html" / f"{stem}.html")
        math, widths = tab.check(figures=True)
        page.screenshot(path=str(shots / f"{stem[:2]}_page_top.png"))
        page.locator("img").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"{stem[:2]}_page_figure.png"))
        print(f"{stem}: {math['rendered']} equations, {len(widths)} figures", file=sys.stderr)
        tab.page.close()


@_site_test
def test_decks_advance(site, browser_context, shots):
    build, stems = site
    for stem in stems:
        tab = OfflinePage(browser_context)
        page = tab.open(build / "slides" / f"{stem}.slides.html")
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30_000)
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
        page.wait_for_timeout(1000)  # let the slide transition finish
        tab.typeset()
        assert page.evaluate("Reveal.getCurrentSlide().offsetHeight") > 0, stem
        assert "#/1" in page.url, page.url
        page.screenshot(path=str(shots / f"{stem[:2]}_deck_slide2.png"))
        tab.check(figures=True)
        tab.page.close()
