"""Print every deck to a PDF handout: ``python -m lecture.handouts`` (``make handouts``).

Each deck ``build/slides/NN_name.slides.html`` becomes ``build/pdf/NN_name.pdf``: one slide a
page, 16:9 at the decks' 1280 x 720 px, every fragment shown, no speaker notes. Headless
Chromium (the one the browser tests use: Debian's ``chromium`` or ``$CHROMIUM``; ``make
browser`` installs it), driven by Playwright (the ``[test]`` extra), opens a deck offline with
reveal.js's ``?print-pdf`` (the deck template's print settings: no margin, one page per slide,
fragments shown, notes off), waits for MathJax and prints it. :func:`print_deck` writes a handout
only if every slide is one page that shows something and fits on it, and the PDF has one page
per slide.

Decks come from ``build/slides`` (``make lecture`` writes them); a notebook whose deck is
missing there, or older than the notebook, gets one rendered first (see :func:`decks`: from the
outputs ``make lecture`` or the notebook stored, as ``python -m lecture --no-execute`` does;
nothing is executed).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
import zlib
from pathlib import Path

from lecture import deckfit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]

# Each page of reveal.js's print layout (a .pdf-page around one slide): how much text it shows,
# how many decoded images, its fragments still invisible, speaker notes printed, its size, and
# how far its content reaches beyond it (px; > 0 is cut off).
PAGES_JS = """() => Array.from(document.querySelectorAll('.pdf-page')).map(page => {
  const slide = page.querySelector('section'), box = page.getBoundingClientRect();
  const style = el => getComputedStyle(el);
  let below = 0, right = 0;
  for (const el of slide.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.height && style(el).visibility !== 'hidden') {
      below = Math.max(below, r.bottom - box.bottom);
      right = Math.max(right, r.right - box.right);
    }
  }
  return {text: slide.innerText.trim().length,
          images: Array.from(slide.querySelectorAll('img')).filter(i => i.naturalWidth > 0).length,
          hidden: Array.from(slide.querySelectorAll('.fragment')).filter(
            el => style(el).opacity !== '1' || style(el).visibility === 'hidden').length,
          notes: page.querySelectorAll('.speaker-notes-pdf').length + Array.from(
            slide.querySelectorAll('aside.notes')).filter(n => n.getClientRects().length).length,
          width: box.width, height: box.height, below, right};
})"""


class HandoutError(RuntimeError):
    """A deck that would not print as one readable page per slide."""


def find_chromium() -> str | None:
    """Path of ``$CHROMIUM``, ``chromium`` or ``chromium-browser`` (the first found), or None."""
    for name in (os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def pdf_page_marks(pdf: Path) -> list[int]:
    """Per page of ``pdf``, in file order: how many text objects and images it draws (0: blank).

    Reads what Chromium (Skia) writes: uncompressed ``/Type /Page`` objects, each with one
    ``/Contents`` stream (Flate-compressed) of drawing operators (``BT``: text, ``Do``: image).
    """
    data = pdf.read_bytes()
    streams = {}
    for match in re.finditer(rb"(\d+) 0 obj\s*<<([^>]*)>>\s*stream\r?\n", data):
        length = re.search(rb"/Length (\d+)", match.group(2))
        if length is None:
            continue
        body = data[match.end():match.end() + int(length.group(1))]
        if b"/FlateDecode" in match.group(2):
            body = zlib.decompress(body)
        streams[int(match.group(1))] = body
    pages = re.findall(rb"/Type /Page\b.*?/Contents (\d+) 0 R", data, re.S)
    return [len(re.findall(rb"\b(?:BT|Do)\b", streams.get(int(n), b""))) for n in pages]


def _problems(pages: list[dict], slides: int) -> list[str]:
    """What is wrong with the print layout ``pages`` (from ``PAGES_JS``) of a deck of ``slides``."""
    problems = [] if len(pages) == slides else [f"{len(pages)} pages for {slides} slides"]
    for number, page in enumerate(pages, 1):
        # reveal.js makes each page 1 px shorter than the slide (pdfPageHeightOffset), so that
        # rounding never spills a page onto a second sheet
        if abs(page["width"] - deckfit.SLIDE_W) > 1 or abs(page["height"] - deckfit.SLIDE_H) > 1:
            problems.append(f"page {number} is {page['width']:.0f} x {page['height']:.0f} px, "
                            f"not the slide's {deckfit.SLIDE_W} x {deckfit.SLIDE_H}")
        if not page["text"] and not page["images"]:
            problems.append(f"page {number} is blank")
        if page["hidden"]:
            problems.append(f"page {number} hides {page['hidden']} fragments")
        if page["notes"]:
            problems.append(f"page {number} prints speaker notes")
        if page["below"] > 0.5 or page["right"] > 0.5:
            problems.append(f"page {number} cuts off content ({page['below']:.0f} px below, "
                            f"{page['right']:.0f} px right)")
    return problems


def print_deck(deck: Path, pdf: Path, browser) -> int:
    """Print the reveal.js deck ``deck`` to ``pdf``, one slide a page; return the page count.

    Parameters
    ----------
    deck : Path
        A deck written by :func:`lecture.site.render_deck` (its assets where it expects them).
    pdf : Path
        The handout to write (its folder is made).
    browser : playwright.sync_api.Browser
        Chromium; the deck opens in a context of its own that loads local files only.

    Returns
    -------
    int
        Pages in the PDF: the deck's slide count.

    Raises
    ------
    HandoutError
        If a page would be blank, cut off content, hide a fragment or print speaker notes,
        or the pages would not be one per slide; there is no ``pdf`` then.
    """
    pdf.unlink(missing_ok=True)  # no handout of an older deck is left behind if this one fails
    context = browser.new_context(viewport={"width": deckfit.SLIDE_W, "height": deckfit.SLIDE_H},
                                  service_workers="block")
    try:
        page = context.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            ("file:", "data:")) else route.abort())
        page.goto(deck.resolve().as_uri() + "?print-pdf", wait_until="load")
        # reveal.js lays the pages out, then fires "ready"; the deck then queues MathJax
        page.wait_for_selector(".reveal.ready .pdf-page", state="attached", timeout=60_000)
        page.wait_for_function("window.MathJax && MathJax.isReady", timeout=60_000)
        page.evaluate("new Promise(done => MathJax.Hub.Queue(() => done(true)))")
        slides = page.evaluate("Reveal.getTotalSlides()")
        problems = _problems(page.evaluate(PAGES_JS), slides)
        if problems:
            raise HandoutError(f"{deck.name}: " + "; ".join(problems))
        # the PDF's title: the deck's first heading (the page's <title> is nbconvert's generic one)
        page.evaluate("() => { const h = document.querySelector('.reveal .slides h1');"
                      "        if (h && h.innerText.trim()) document.title = h.innerText.trim(); }")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(pdf), width=f"{deckfit.SLIDE_W}px", height=f"{deckfit.SLIDE_H}px",
                 print_background=True)
    finally:
        context.close()
    marks = pdf_page_marks(pdf)
    if len(marks) != slides or 0 in marks:
        pdf.unlink()
        raise HandoutError(f"{deck.name}: the PDF has {len(marks)} pages for {slides} slides, "
                           f"blank: {[i + 1 for i, m in enumerate(marks) if not m]}")
    return len(marks)


RENDERER = [*(ROOT / "lecture" / "templates").iterdir(),
            *(ROOT / "lecture" / name for name in ("site.py", "deck.py", "deckfit.py"))]


def decks(build: Path, notebooks: list[Path]) -> list[Path]:
    """The decks of ``notebooks`` in ``build/slides``, rendered first where one is missing or
    older than its notebook or the deck renderer (templates, :mod:`lecture.deck`).

    A deck is rendered from the newer of ``build/executed/<notebook>`` (what ``make lecture``
    ran) and the notebook's stored outputs; nothing is executed.
    """
    import nbformat

    from lecture import site

    renderer = max((p.stat().st_mtime for p in RENDERER if p.is_file()), default=0.0)
    paths = []
    for notebook in notebooks:
        executed = build / "executed" / notebook.name
        source = max([p for p in (executed, notebook) if p.exists()], key=lambda p: p.stat().st_mtime)
        deck = build / "slides" / f"{notebook.stem}.slides.html"
        if not deck.exists() or deck.stat().st_mtime < max(renderer, source.stat().st_mtime):
            print(f"rendering {deck.name} from {source.relative_to(source.parents[1])}", flush=True)
            site.copy_assets(build)
            site.render_deck(nbformat.read(source, as_version=4), deck, build)
        paths.append(deck)
    return paths


def launch(playwright):
    """Headless Chromium (see :func:`find_chromium`), or SystemExit saying how to get it."""
    path = find_chromium()
    if path is None:
        raise SystemExit("no Chromium to print with: run `make browser` (as root it installs "
                         "Debian's chromium; else `sudo apt-get install chromium`) or set "
                         "CHROMIUM=/path/to/chrome")
    return playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)


def main(argv: list[str] | None = None) -> int:
    from lecture.run import find_notebooks

    parser = argparse.ArgumentParser(
        prog="python -m lecture.handouts",
        description="Print each deck BUILD/slides/NN_name.slides.html to BUILD/pdf/NN_name.pdf, one "
                    "slide a page; a missing or stale deck is rendered first (nothing is executed).")
    parser.add_argument("only", nargs="*", help="notebook prefixes, e.g. 01 06 (default: all)")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks",
                        help="the notebooks whose decks to print (default: notebooks/)")
    parser.add_argument("--build", type=Path, default=ROOT / "build",
                        help="decks from BUILD/slides, handouts to BUILD/pdf")
    args = parser.parse_args(argv)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("printing needs Playwright, in the test tools: `make handouts` installs "
                         "them (or pip install -e '.[test]')") from None
    build = args.build.resolve()
    notebooks = find_notebooks(args.notebooks, args.only)
    failed = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for deck in decks(build, notebooks):
            pdf = build / "pdf" / f"{deck.name.removesuffix('.slides.html')}.pdf"
            start = time.perf_counter()
            try:
                pages = print_deck(deck, pdf, browser)
            except HandoutError as err:
                failed.append(str(err))
                print(f"FAILED {err}", file=sys.stderr, flush=True)
                continue
            print(f"{pdf}: {pages} pages, {time.perf_counter() - start:.1f} s", flush=True)
        browser.close()
    if failed:
        print(f"{len(failed)} of {len(notebooks)} decks not printed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
