"""The lecture site under ``build/``: notebook pages, reveal.js decks and an index, all offline.

nbconvert's templates load MathJax, reveal.js, require.js and mermaid from CDNs, which
fails on lecture-hall wifi. Here every page and deck uses local copies under
``build/assets/``:

* MathJax 2.7 from the ``jupyter-server-mathjax`` package (Apache-2.0, its LICENSE is copied along);
* reveal.js 5.2.0, vendored in ``lecture/vendor/reveal.js`` (MIT, its LICENSE is copied along).

require.js, jQuery and mermaid are not needed (no widgets or diagrams), so the templates
in ``lecture/templates/`` drop them; reveal.js is loaded with plain script tags. Figures are
embedded in the pages as data URIs. The templates extend nbconvert's ``lab`` and ``reveal``
templates by path (``lab/index.html.j2``), since ``index.html.j2`` here is the site's index.

Decks are laid out for a fixed 16:9 slide by :class:`lecture.deck.DeckLayout` (an nbconvert
preprocessor, decks only) and styled by ``templates/deck.css``, so that every slide fits a
projector without scrolling (``tests/test_site.py::test_deck`` checks it). Layout::

    build/assets/{mathjax,reveal.js}/   copied once per version
    build/html/index.html               the notebooks in order, with run times and numbers
    build/html/NN_name.html             one page per notebook
    build/slides/NN_name.slides.html    one deck per notebook
"""

from __future__ import annotations

import copy
import importlib.metadata
import importlib.util
import os
import re
import shutil
from pathlib import Path

from lecture import cells

MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"
REVEAL_THEME = "white"  # "simple", nbconvert's default, imports Google fonts
REVEAL_VERSION = "5.2.0"
HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
REVEAL_DIR = HERE / "vendor" / "reveal.js"


def _rel(target: Path, start: Path) -> str:
    """Relative URL from folder ``start`` to ``target``."""
    return os.path.relpath(target, start).replace(os.sep, "/")


def asset_source(name: str) -> tuple[Path, str]:
    """Folder that holds asset ``name`` and its version.

    Parameters
    ----------
    name : {"mathjax", "reveal.js"}

    Returns
    -------
    folder : pathlib.Path
    version : str
    """
    if name == "reveal.js":
        return REVEAL_DIR, REVEAL_VERSION
    if name != "mathjax":
        raise ValueError(f"unknown asset {name!r}; choose 'mathjax' or 'reveal.js'")
    spec = importlib.util.find_spec("jupyter_server_mathjax")  # locates it without importing
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jupyter-server-mathjax is not installed, so MathJax cannot be served "
                           "offline; run `make lecture` (it installs the lecture extra) or "
                           "`pip install -e '.[lecture]'`")
    folder = Path(list(spec.submodule_search_locations)[0], "static")
    return folder, importlib.metadata.version("jupyter-server-mathjax")


def copy_assets(build: Path) -> dict[str, Path]:
    """Copy MathJax and reveal.js into ``build/assets/`` (again only when a version changed).

    Parameters
    ----------
    build : pathlib.Path
        The build folder.

    Returns
    -------
    folders : dict of str to pathlib.Path
        Asset name -> its folder under ``build/assets``.
    """
    folders = {}
    for name in ("mathjax", "reveal.js"):
        source, version = asset_source(name)
        dest = build / "assets" / name
        stamp = dest / ".source"
        label = f"{name} {version}\n"
        if not (stamp.exists() and stamp.read_text() == label):
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(source, dest, ignore=shutil.ignore_patterns("*.map", "README.md"))
            stamp.write_text(label)
        folders[name] = dest
    return folders


def _exporter(kind: str, out: Path, build: Path):
    import jinja2
    from nbconvert import HTMLExporter, SlidesExporter

    mathjax = build / "assets" / "mathjax"
    common = dict(extra_loaders=[jinja2.FileSystemLoader(str(TEMPLATES))],
                  mathjax_url=f"{_rel(mathjax, out.parent)}/MathJax.js?config={MATHJAX_CONFIG}")
    if kind == "deck":
        from lecture import deck, deckfit

        return SlidesExporter(template_file="course_deck.html.j2", reveal_theme=REVEAL_THEME,
                              reveal_url_prefix=_rel(build / "assets" / "reveal.js", out.parent),
                              reveal_width=str(deckfit.SLIDE_W), reveal_height=str(deckfit.SLIDE_H),
                              preprocessors=[deck.DeckLayout], **common)
    return HTMLExporter(template_name="lab", template_file="course_page.html.j2", **common)


def render_page(nb, out: Path, build: Path) -> None:
    """Write ``nb`` as an offline HTML page ``out`` (assets under ``build/assets``)."""
    stem = out.name.removesuffix(".html")
    nb = copy.copy(nb)  # the page is the student's reading path: no instructor asides
    nb.cells = [c for c in nb.cells if not cells.is_instructor(c)]
    course = {"index": "index.html", "deck": _rel(build / "slides" / f"{stem}.slides.html",
                                                  out.parent)}
    body, _ = _exporter("page", out, build).from_notebook_node(nb, resources={"course": course})
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")


def render_deck(nb, out: Path, build: Path) -> None:
    """Write ``nb`` as an offline reveal.js deck ``out`` (assets under ``build/assets``)."""
    body, _ = _exporter("deck", out, build).from_notebook_node(nb)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")


def describe(path: Path) -> tuple[str, str]:
    """Title and one-line summary of a notebook.

    The title is the first ``# NN · Title`` heading; the summary is
    ``metadata.course.summary`` when set, otherwise the notebook's section headings
    (its slide titles) joined with `` · ``.

    Returns
    -------
    title, summary : str
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    title, sections = path.stem, []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("# ") and title == path.stem:
                title = re.sub(r"^\d+\s*[·:.-]\s*", "", line[2:].strip())
            elif line.startswith("## "):
                sections.append(line[3:].strip())
    sections = [s for s in sections if s.lower() not in {"setup", "summary", "exercises"}]
    summary = nb.metadata.get("course", {}).get("summary") or " · ".join(sections)
    return title, summary


def claim_rows(claims: dict) -> list[dict]:
    """A notebook's claims as rows for the index: claim, measured, goal and verdict.

    Parameters
    ----------
    claims : dict
        ``<notebook>.claims.json`` (key -> claim, op, goal, value, pass; see
        :class:`course_utils.Results`).

    Returns
    -------
    rows : list of dict
        ``claim``, ``measured`` (4 significant digits, "n/a" for NaN), ``goal`` (e.g. "<= 1.01")
        and ``holds`` (bool), in the order the notebook checked them.
    """
    return [{"claim": c["claim"], "goal": f"{c['op']} {c['goal']:g}", "holds": bool(c["pass"]),
             "measured": "n/a" if c.get("value") is None else f"{c['value']:.4g}"}
            for c in claims.values()]


def write_index(build: Path, notebooks: list[Path], summary: dict) -> Path:
    """Write ``build/html/index.html`` listing ``notebooks`` with run times and claims.

    Parameters
    ----------
    build : pathlib.Path
    notebooks : list of pathlib.Path
        Source notebooks in lecture order.
    summary : dict
        Contents of ``build/results.json`` (stem -> seconds, numbers, claims, mode).

    Returns
    -------
    path : pathlib.Path
    """
    import jinja2

    out = build / "html" / "index.html"
    items, modes = [], set()
    for path in notebooks:
        stem = path.stem
        title, text = describe(path)
        entry = summary.get(stem)
        page, deck = build / "html" / f"{stem}.html", build / "slides" / f"{stem}.slides.html"
        if entry:
            modes.add(entry.get("mode", "default"))
        items.append({
            "number": stem[:2], "title": title, "summary": text, "entry": entry,
            "page": _rel(page, out.parent) if page.exists() else None,
            "links": [(label, _rel(f, out.parent))
                      for f, label in ((page, "page"), (deck, "slides")) if f.exists()],
            "claims": claim_rows((entry or {}).get("claims", {})),
        })
    mode = " / ".join(sorted(modes)) + " mode" if modes else "none measured yet"
    mathjax = _rel(build / "assets" / "mathjax", out.parent)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    page_html = env.get_template("index.html.j2").render(
        mathjax=f"{mathjax}/MathJax.js?config={MATHJAX_CONFIG}", mode=mode, notebooks=items)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page_html, encoding="utf-8")
    return out
