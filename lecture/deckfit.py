"""Sizes for the deck layout: how tall a markdown block, code or output renders, and how to
cut code and text outputs that are too tall.

The numbers model ``lecture/templates/deck.css`` (which gets them from here) on a
``SLIDE_W`` x ``SLIDE_H`` reveal.js slide, in logical pixels, before reveal.js scales the
slide to the screen. They lean to the safe side, and ``BUDGET`` keeps some slack, so that a
slide that fits by the estimates fits the real slide. :mod:`lecture.deck` uses them to
decide where a slide is full; ``tests/test_site.py::test_deck`` measures the real thing.
Markdown blocks come from markdown-it-py (CommonMark and tables), figure sizes from Pillow.
"""

from __future__ import annotations

import base64
import copy
import io
import math
import re

from markdown_it import MarkdownIt
from PIL import Image

SLIDE_W, SLIDE_H = 1280, 720  # Reveal.initialize width/height (16:9)
PAD_X, PAD_TOP, PAD_BOTTOM = 40, 18, 24  # section padding in deck.css
CONTENT_W = SLIDE_W - 2 * PAD_X
BUDGET = SLIDE_H - PAD_TOP - PAD_BOTTOM - 16  # content height per slide, with some slack
PROSE_PX, CODE_PX, LINE = 22, 16, 1.3  # font sizes (px) and line height of prose and code
HEADING_PX = {1: 42, 2: 34, 3: 28, 4: 24, 5: 22, 6: 22}
CONT_PX = 18  # the "(continued)" line on top of a slide the layout added
CONT_HEIGHT = CONT_PX * LINE + 8
CELL_GAP = 8  # margin below each cell
PARA_GAP = 10  # margin below paragraphs, lists, tables
PRE_PAD = 12  # vertical padding of a code or output box
TABLE_ROW = PROSE_PX * 0.92 * LINE + 10  # a row of an HTML table output
FIGURE_GAP = 12  # margin above a figure and the line box around it
PROSE_CHAR = 0.5  # mean glyph width of the prose font, in em (Source Sans Pro is ~0.47)
CODE_CHAR = 0.6  # monospace glyph width, in em
CODE_COLS = int((CONTENT_W - 20) / (CODE_PX * CODE_CHAR))  # columns before pre-wrap wraps
CSS_SIZES = {"width": SLIDE_W, "height": SLIDE_H, "pad_x": PAD_X, "pad_top": PAD_TOP,  # deck.css
             "pad_bottom": PAD_BOTTOM, "prose": PROSE_PX, "code": CODE_PX, "line": LINE,
             "cont": CONT_PX, "headings": HEADING_PX, "cell_gap": CELL_GAP, "gap": PARA_GAP}

_MD = MarkdownIt("commonmark").enable("table")
_KINDS = {"fence": "code", "table_open": "table", "list_item_open": "item"}
_PREFIXES = (("<details", "details"), ("$$", "math"), ("<", "html"))  # of other blocks
_CONTINUES = re.compile(r"[)\]}]|(else|elif|except|finally)\b")  # not a statement start
_TALL = re.compile(r"\\(frac|dfrac|tfrac|sum|int|prod|binom|underbrace|overbrace|begin\{[pb]?matrix)")


def md_blocks(source: str) -> list[tuple[str, str, str]]:
    """Split markdown into its top-level blocks (a list into its items), cut from the source.

    Parameters
    ----------
    source : str
        A markdown cell or output.

    Returns
    -------
    list of (kind, text, sep)
        ``kind``: heading1..heading6, item, para, math, table, code, details or html; ``sep``:
        "\\n" or "\\n\\n", what separates the block from the one before, so that joining the
        blocks gives the markdown back. A ``<details>`` block or ``$$`` maths stays one block.
    """
    lines = re.split(r"\r\n?|\n", source)
    spans = []  # (kind, first line) of each block
    for tok in _MD.parse(source):
        top = tok.level == 0 and not tok.type.endswith("list_open")  # of a list: its items
        if not tok.map or not (top or (tok.level == 1 and tok.type == "list_item_open")):
            continue
        start = tok.map[0]
        if spans:
            kind, text = spans[-1][0], "\n".join(lines[spans[-1][1]:start])
            if ((kind == "details" and text.count("<details") > text.count("</details>"))
                    or (kind == "math" and text.count("$$") % 2)):
                continue  # still inside the <details> block or the maths
        kind = f"heading{tok.tag[1:]}" if tok.type == "heading_open" else _KINDS.get(tok.type)
        kind = kind or next((k for p, k in _PREFIXES if lines[start].lstrip().startswith(p)), "para")
        spans.append((kind, start if spans else 0))
    starts = [start for _, start in spans] + [len(lines)]
    return [(kind, "\n".join(trim(lines[start:starts[k + 1]])),
             "" if k == 0 else "\n\n" if not lines[start - 1].strip() else "\n")
            for k, (kind, start) in enumerate(spans)]


def _visible(text: str) -> str:
    """Markdown reduced to roughly what is shown (links, markup and TeX commands dropped)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\\[a-zA-Z]+\s*", "", text)
    return re.sub(r"[*_`${}^]|<[^>]+>", "", text)


def _lines(text: str, px: float, width: float = CONTENT_W, char: float = PROSE_CHAR) -> int:
    per_line = max(10, int(width / (px * char)))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _display(tex: str) -> float:
    """Height of display maths: one row per ``\\\\``, tall rows for fractions and sums, and
    more rows where MathJax breaks a wide equation."""
    height = 0.0
    for row in tex.split("\\\\"):
        wide = math.ceil(len(_visible(row)) * PROSE_PX * PROSE_CHAR / CONTENT_W)
        height += (2.8 if _TALL.search(row) else 1.6) * PROSE_PX * LINE * max(1, wide)
    return height + 2 * PARA_GAP


def _prose(text: str, width: float) -> float:
    """Height of a paragraph (display maths inside it included)."""
    height = 0.0
    for k, part in enumerate(re.split(r"\$\$(.+?)\$\$", text, flags=re.S)):
        if k % 2:
            height += _display(part)
        elif part.strip():
            flat = _visible(" ".join(line.strip() for line in part.splitlines()))
            height += _lines(flat, PROSE_PX, width) * PROSE_PX * LINE
            height += 0.4 * PROSE_PX * LINE * len(_TALL.findall(part))  # taller lines
    return height


def block_height(kind: str, text: str) -> float:
    """Estimated height (logical px, margin below included) of a markdown block.

    Parameters
    ----------
    kind, text : str
        A block from :func:`md_blocks`.

    Returns
    -------
    float
    """
    if kind.startswith("heading"):
        px = HEADING_PX[int(kind[-1])]
        title = _visible(text.splitlines()[0].strip().strip("#").strip())
        return _lines(title, px, char=0.55) * px * 1.2 + 14
    if kind == "math":
        return _display(text.strip().strip("$"))
    if kind == "table":
        rows = [r for r in text.splitlines() if not re.match(r"^\s*\|[\s:|-]+\|\s*$", r)]
        return sum(_lines(_visible(r), PROSE_PX * 0.92) * PROSE_PX * LINE + 12
                   for r in rows) + PARA_GAP
    if kind == "code":
        return code_height(text.splitlines()[1:-1]) + PARA_GAP
    if kind == "details":
        return 0.0
    if kind == "item":  # an item and its nested items, each indented further
        items = re.split(r"\n(?=\s+(?:[-*+]|\d+[.)])\s)", text)
        return sum(_prose(item, CONTENT_W - 1.4 * PROSE_PX * (1 + (k > 0))) + 9
                   for k, item in enumerate(items))
    width = CONTENT_W - (18 if text.startswith(">") else 0)
    return _prose(text, width) + PARA_GAP


def code_height(lines: list[str]) -> float:
    """Estimated height (logical px, padding included) of a code or text box; long lines wrap.

    Parameters
    ----------
    lines : list of str

    Returns
    -------
    float
    """
    rows = sum(max(1, math.ceil(len(line.expandtabs()) / CODE_COLS)) for line in lines)
    return rows * CODE_PX * LINE + PRE_PAD


def png_size(data: str) -> tuple[int, int]:
    """Size in pixels of a base64 PNG (an output's ``image/png``).

    Parameters
    ----------
    data : str

    Returns
    -------
    width, height : int
    """
    with Image.open(io.BytesIO(base64.b64decode(data))) as image:
        return image.size


def output_height(output: dict) -> float:
    """Estimated height (logical px) of a code cell's output; a figure's at its natural size,
    narrowed to the slide's width.

    Parameters
    ----------
    output : dict
        Printed text, an error, a figure, an HTML table, markdown or plain text.

    Returns
    -------
    float
    """
    if output.get("output_type") == "stream":
        return code_height(output.get("text", "").rstrip("\n").splitlines())
    if output.get("output_type") == "error":
        return code_height(output.get("traceback", []))
    data = output.get("data", {})
    if "image/png" in data:
        width, height = png_size(data["image/png"])
        return height * min(1.0, CONTENT_W / width) + FIGURE_GAP
    if "text/html" in data:
        return data["text/html"].count("<tr") * TABLE_ROW + PRE_PAD
    if "text/markdown" in data or "text/latex" in data:
        return sum(block_height(k, t) for k, t, _ in
                   md_blocks(data.get("text/markdown") or data["text/latex"]))
    text = data.get("text/plain", "")
    return code_height(text.rstrip("\n").splitlines()) if text else 0.0


def trim(lines: list[str]) -> list[str]:
    """``lines`` from the first to the last that is not blank.

    Parameters
    ----------
    lines : list of str

    Returns
    -------
    list of str
    """
    shown = [k for k, line in enumerate(lines) if line.strip()]
    return lines[shown[0]:shown[-1] + 1] if shown else []


def cut_lines(lines: list[str], room: float) -> tuple[list[str], list[str]]:
    """Split code or text into the longest head that fits and the rest.

    The cut goes where a statement ends: at a blank line before an unindented line, else
    before an unindented statement, else at any blank line (in the head's last two thirds).

    Parameters
    ----------
    lines : list of str
        Code or printed text.
    room : float
        Height (logical px) the head may take.

    Returns
    -------
    head, rest : list of str
    """
    n = 1
    while n < len(lines) and code_height(lines[:n + 1]) <= room:
        n += 1
    if n < len(lines):
        def starts(k):  # an unindented line that starts a statement
            return (k < len(lines) and lines[k][:1] not in ("", " ", "\t")
                    and not _CONTINUES.match(lines[k]) and not lines[k - 1].startswith("@"))
        span = range(max(1, n // 3), n + 1)
        blank = [k for k in span if not lines[k - 1].strip()]
        n = ([k for k in blank if starts(k)] or [k for k in span if starts(k)] or blank
             or [n])[-1]
    return trim(lines[:n]), trim(lines[n:])


def split_output(output: dict, room: float) -> list[dict]:
    """Cut a text output (printed, plain text or an HTML table) into a head that fits.

    Parameters
    ----------
    output : dict
        A code cell's output.
    room : float
        Height (logical px) the head may take.

    Returns
    -------
    list of dict
        Copies of ``output``: the head and the rest, or ``[output]`` when it cannot be cut;
        an HTML table's header rows are repeated in both.
    """
    data = output.get("data", {})
    table = data.get("text/html", "")
    if output.get("output_type") != "stream" and "<tr" in table:
        rows = list(re.finditer(r"<tr\b.*?</tr>\s*", table, re.S))
        body = ([r for r in rows if r.start() > table.find("<tbody")] if "<tbody" in table
                else rows[1:])
        head = table[:body[0].start()] if body else table
        n = int((room - output_height({"data": {"text/html": head}})) / TABLE_ROW)
        if not 0 < n < len(body):
            return [output]
        key = ("data", "text/html")
        texts = [head + "".join(r.group() for r in chunk) + table[body[-1].end():]
                 for chunk in (body[:n], body[n:])]
    else:
        key = ("text",) if output.get("output_type") == "stream" else ("data", "text/plain")
        lines = (output.get("text") or data.get("text/plain", "")).rstrip("\n").splitlines()
        texts = ["\n".join(x) + "\n" for x in cut_lines(lines, room) if x]
    parts = []
    for text in texts:
        parts.append(copy.deepcopy(output))
        (parts[-1] if len(key) == 1 else parts[-1][key[0]])[key[-1]] = text
    return parts
