"""The lecture site under ``build/``: notebook pages, reveal.js decks and an index, all offline.

nbconvert's templates load MathJax, reveal.js, require.js and mermaid from CDNs, which
fails on lecture-hall wifi. Here every page and deck uses local copies, taken from
Python packages the project installs, under ``build/assets/``:

* MathJax 2.7 from ``jupyter-server-mathjax`` (Apache-2.0, its LICENSE is copied along);
* reveal.js 5 from ``sphinx-revealjs`` (reveal.js is MIT, its LICENSE is copied along).

require.js, jQuery and mermaid are not needed (no widgets or diagrams), so the templates
below drop them; reveal.js is loaded with plain script tags. Figures are embedded in
the pages as data URIs. Layout::

    build/assets/{mathjax,reveal.js}/   copied once per package version
    build/html/index.html               the notebooks in order, with run times and numbers
    build/html/NN_name.html             one page per notebook
    build/slides/NN_name.slides.html    one deck per notebook
"""

from __future__ import annotations

import html
import importlib.metadata
import importlib.util
import os
import re
import shutil
from pathlib import Path

MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"
REVEAL_THEME = "white"  # "simple", nbconvert's default, imports Google fonts
# (folder under build/assets, python package, path inside it, distribution, parts to copy)
ASSETS = {
    "mathjax": ("jupyter_server_mathjax", "static", "jupyter-server-mathjax", None),
    "reveal.js": ("sphinx_revealjs", "_static/revealjs", "sphinx-revealjs",
                  ("dist", "plugin/notes", "LICENSE")),
}

# The package ships only the STIX-Web fonts: tell MathJax not to look for its TeX fonts, and
# keep the hidden MathML copy for screen readers from asking for them (\mathbb, \mathcal).
_MATHJAX_FONTS = """
<style>.MJX_Assistive_MathML [mathvariant], .MJX_Assistive_MathML [class^="MJX-tex-"] {
  font-family: inherit !important; }</style>
<script type="text/x-mathjax-config">
MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], preferredFont: null,
                                 webFont: "STIX-Web", imageFont: null},
                    menuSettings: {zoom: "None"}});
</script>"""

_NAV = """<nav class="course-nav" style="font: 14px sans-serif; padding: 6px 12px;
 border-bottom: 1px solid #ddd;"><a href="{{ resources.course.index }}">&larr; all notebooks</a>
 &middot; <a href="{{ resources.course.deck }}">slides</a></nav>"""

TEMPLATES = {
    # Notebook page: nbconvert's "lab" page without require.js and mermaid.
    "course_page.html.j2": """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}{{ super() }}""" + _MATHJAX_FONTS + """
{%- endblock html_head_js_mathjax -%}
{%- block body_header -%}{{ super() }}""" + _NAV + """{%- endblock body_header -%}
""",
    # Deck: nbconvert's "reveal" deck, reveal.js loaded by script tags instead of require.js.
    "course_deck.html.j2": """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{{ super() }}""" + _MATHJAX_FONTS + """
{%- endblock html_head_js_mathjax -%}
{% block footer_js %}
<script src="{{ reveal_url_prefix }}/dist/reveal.js"></script>
<script src="{{ reveal_url_prefix }}/plugin/notes/notes.js"></script>
<script>
Reveal.initialize({
  controls: true, progress: true, history: true, center: false,
  transition: "{{ reveal_transition }}", slideNumber: "{{ reveal_number }}",
  plugins: [RevealNotes], width: {{ reveal_width }}, height: {{ reveal_height }},
});
function courseSlideChanged() {
  var slide = Reveal.getCurrentSlide();
  if (window.MathJax && MathJax.Hub && MathJax.Hub.getAllJax(slide).length) {
    MathJax.Hub.Rerender(slide);
  }
  // slides taller than the screen scroll instead of being cut off
  var limit = document.querySelector('.reveal').offsetHeight * 0.95;
  document.querySelectorAll('section.present:not(.stack)').forEach(function (s) {
    if (s.scrollHeight > limit) { s.style.height = '95vh'; s.style.overflowY = 'auto'; }
  });
}
Reveal.on('slidechanged', courseSlideChanged);
Reveal.on('ready', courseSlideChanged);
</script>
{% endblock footer_js %}
""",
}


def _rel(target: Path, start: Path) -> str:
    """Relative URL from folder ``start`` to ``target``."""
    return os.path.relpath(target, start).replace(os.sep, "/")


def asset_source(name: str) -> tuple[Path, str]:
    """Folder inside the installed package that ships asset ``name``, and the package version.

    Parameters
    ----------
    name : {"mathjax", "reveal.js"}

    Returns
    -------
    folder : pathlib.Path
    version : str
    """
    module, inner, dist, _ = ASSETS[name]
    spec = importlib.util.find_spec(module)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{dist} is not installed, so {name} cannot be served offline; "
                           "run `make lecture` (it installs the project's dependencies) "
                           f"or `pip install {dist}`")
    folder = Path(list(spec.submodule_search_locations)[0], inner)
    return folder, importlib.metadata.version(dist)


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
    for name, (_, _, dist, parts) in ASSETS.items():
        source, version = asset_source(name)
        dest = build / "assets" / name
        stamp = dest / ".source"
        label = f"{dist} {version}\n"
        if not (stamp.exists() and stamp.read_text() == label):
            shutil.rmtree(dest, ignore_errors=True)
            for part in parts or [p.name for p in source.iterdir()]:
                src = source / part
                if src.is_dir():
                    shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("*.map"))
                else:
                    dest.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src, dest / part)
            stamp.write_text(label)
        folders[name] = dest
    return folders


def _exporter(kind: str, out: Path, build: Path):
    import jinja2
    from nbconvert import HTMLExporter, SlidesExporter

    mathjax = build / "assets" / "mathjax"
    common = dict(extra_loaders=[jinja2.DictLoader(TEMPLATES)],
                  mathjax_url=f"{_rel(mathjax, out.parent)}/MathJax.js?config={MATHJAX_CONFIG}")
    if kind == "deck":
        return SlidesExporter(template_file="course_deck.html.j2", reveal_theme=REVEAL_THEME,
                              reveal_url_prefix=_rel(build / "assets" / "reveal.js", out.parent),
                              reveal_scroll=True, **common)
    return HTMLExporter(template_name="lab", template_file="course_page.html.j2", **common)


def render_page(nb, out: Path, build: Path) -> None:
    """Write ``nb`` as an offline HTML page ``out`` (assets under ``build/assets``)."""
    stem = out.name.removesuffix(".html")
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


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


_INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Autoencoders and Deep Representation Learning: notebooks</title>
{fonts}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({{tex2jax: {{inlineMath: [['$', '$']], processEscapes: true}}}});</script>
<script src="{mathjax}"></script>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 980px; margin: 2em auto;
       padding: 0 1em; color: #222; }}
ol {{ list-style: none; padding: 0; }} li.nb {{ margin: 0 0 1.4em; }} .links a {{ margin-right: 1em; }}
.meta {{ color: #555; font-size: 14px; }}
.numbers {{ font: 13px monospace; color: #333; columns: 3 16em; margin: .3em 0 0; }}
</style></head><body>
<h1>Autoencoders and Deep Representation Learning</h1>
<p>The lecture's notebooks in order: a page to read and a reveal.js deck to present
(keys: arrows to move, <kbd>S</kbd> speaker notes, <kbd>F</kbd> full screen, <kbd>Esc</kbd>
overview). Everything here works offline. Run times: {mode}.</p>
<ol>
{items}
</ol>
</body></html>
"""


def write_index(build: Path, notebooks: list[Path], summary: dict) -> Path:
    """Write ``build/html/index.html`` listing ``notebooks`` with times and numbers.

    Parameters
    ----------
    build : pathlib.Path
    notebooks : list of pathlib.Path
        Source notebooks in lecture order.
    summary : dict
        Contents of ``build/results.json`` (stem -> seconds, numbers, mode).

    Returns
    -------
    path : pathlib.Path
    """
    out = build / "html" / "index.html"
    items, modes = [], set()
    for path in notebooks:
        stem = path.stem
        title, text = describe(path)
        entry = summary.get(stem)
        page, deck = build / "html" / f"{stem}.html", build / "slides" / f"{stem}.slides.html"
        head = f"<strong>{html.escape(stem[:2])} · {html.escape(title)}</strong>"
        if page.exists():
            head = f'<a href="{_rel(page, out.parent)}">{head}</a>'
        links = "".join(f'<a href="{_rel(f, out.parent)}">{label}</a>'
                        for f, label in ((page, "page"), (deck, "slides")) if f.exists())
        if entry:
            modes.add(entry.get("mode", "default"))
            numbers = "".join(f"<li>{html.escape(k)} = {html.escape(_number(v))}</li>"
                              for k, v in entry["numbers"].items())
            meta = (f'<div class="meta">{entry["seconds"]:.1f} s · '
                    f'{len(entry["numbers"])} recorded numbers</div>'
                    f'<ul class="numbers">{numbers}</ul>')
        else:
            meta = '<div class="meta">not built yet: run <code>make lecture</code></div>'
        items.append(f'<li class="nb">{head} <span class="links">{links}</span>'
                     f"<div>{html.escape(text)}</div>{meta}</li>")
    mode = " / ".join(sorted(modes)) + " mode" if modes else "none measured yet"
    mathjax = _rel(build / "assets" / "mathjax", out.parent)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(_INDEX.format(mathjax=f"{mathjax}/MathJax.js?config={MATHJAX_CONFIG}",
                                 fonts=_MATHJAX_FONTS, mode=mode, items="\n".join(items)),
                   encoding="utf-8")
    return out
