"""Sizes for the deck layout: how tall a markdown block, code or output renders, and how to
cut code and text outputs that are too tall.

The numbers model ``lecture/templates/deck.css`` (which gets them from here) on a
``SLIDE_W`` x ``SLIDE_H`` reveal.js slide, in logical pixels, before reveal.js scales the
slide to the screen. They lean to the safe side, and ``BUDGET`` keeps some slack, so that a
slide that fits by the estimates fits the real slide. :mod:`lecture.deck` uses them to
decide where a slide is full; ``tests/test_site.py::test_deck`` measures the real thing.
"""

from __future__ import annotations

import base64
import copy
import math
import re
import struct

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



def css_sizes() -> dict:
    """The sizes above that ``templates/deck.css`` uses (``resources["deck"]``)."""
    return {"width": SLIDE_W, "height": SLIDE_H, "pad_x": PAD_X, "pad_top": PAD_TOP,
            "pad_bottom": PAD_BOTTOM, "prose": PROSE_PX, "code": CODE_PX, "line": LINE,
            "cont": CONT_PX, "headings": HEADING_PX, "cell_gap": CELL_GAP, "gap": PARA_GAP}


_HEADING = re.compile(r"^(#{1,6})\s+(.*)")
_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])\s")
_FENCE = re.compile(r"^\s*(```|~~~)")
_CONTINUES = re.compile(r"[)\]}]|(else|elif|except|finally)\b")  # not a statement start
_TALL = re.compile(r"\\(frac|dfrac|tfrac|sum|int|prod|binom|underbrace|overbrace|begin\{[pb]?matrix)")


def md_blocks(source: str) -> list[tuple[str, str, str]]:
    """Split markdown into top-level blocks.

    Returns
    -------
    blocks : list of (kind, text, sep)
        ``kind`` is one of heading1..heading6, item, para, math, table, code, details, html;
        ``sep`` is what separated the block from the previous one ("\\n" or "\\n\\n"), so
        joining the blocks back gives the same markdown.
    """
    blocks, cur, sep, blank = [], [], "", False
    fence = math_open = None
    details = 0

    def close():
        if cur:
            blocks.append((_kind(cur), "\n".join(cur), sep))
            cur.clear()

    for line in source.splitlines():
        s = line.strip()
        if fence or math_open or details:
            cur.append(line)
            if fence and s.startswith(fence):
                fence = None
            elif math_open and s.endswith("$$"):
                math_open = None
            elif details:
                details += s.count("<details") - s.count("</details>")
            continue
        if not s:
            close()
            blank = True
            continue
        if cur and (_HEADING.match(line) or _ITEM.match(line) or s.startswith(("<details", "$$"))
                    or (s.startswith("|") and not cur[-1].lstrip().startswith("|"))):
            close()
        if not cur:
            sep, blank = ("\n\n" if blank else "\n") if blocks else "", False
        cur.append(line)
        if _HEADING.match(line):
            close()
        elif _FENCE.match(line):
            fence = _FENCE.match(line).group(1)
        elif s.startswith("$$") and not (len(s) > 2 and s.endswith("$$")):
            math_open = True
        elif s.startswith("<details"):
            details = s.count("<details") - s.count("</details>")
    close()
    return blocks


def _kind(lines: list[str]) -> str:
    first = lines[0].strip()
    heading = _HEADING.match(lines[0])
    if heading:
        return f"heading{len(heading.group(1))}"
    if first.startswith("<details"):
        return "details"
    if _FENCE.match(lines[0]):
        return "code"
    if first.startswith("$$"):
        return "math"
    if all(line.lstrip().startswith("|") for line in lines):
        return "table"
    if _ITEM.match(lines[0]):
        return "item"
    if first.startswith("<"):
        return "html"
    return "para"


def visible_text(text: str) -> str:
    """Markdown source reduced to roughly what is shown (markup and TeX commands dropped)."""
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
        tall = _TALL.search(row)
        wide = math.ceil(len(visible_text(row)) * PROSE_PX * PROSE_CHAR / CONTENT_W)
        height += (2.8 if tall else 1.6) * PROSE_PX * LINE * max(1, wide)
    return height + 2 * PARA_GAP


def _prose(text: str, width: float) -> float:
    """Height of a paragraph (display maths inside it included)."""
    height = 0.0
    for k, part in enumerate(re.split(r"\$\$(.+?)\$\$", text, flags=re.S)):
        if k % 2:
            height += _display(part)
        elif part.strip():
            flat = visible_text(" ".join(line.strip() for line in part.splitlines()))
            height += _lines(flat, PROSE_PX, width) * PROSE_PX * LINE
            height += 0.4 * PROSE_PX * LINE * len(_TALL.findall(part))  # taller lines
    return height


def block_height(kind: str, text: str) -> float:
    """Estimated height (logical px, margin below included) of a block from :func:`md_blocks`."""
    if kind.startswith("heading"):
        px = HEADING_PX[int(kind[-1])]
        return _lines(visible_text(_HEADING.match(text).group(2)), px, char=0.55) * px * 1.2 + 14
    if kind == "math":
        return _display(text.strip().strip("$"))
    if kind == "table":
        rows = [r for r in text.splitlines() if not re.match(r"^\s*\|[\s:|-]+\|\s*$", r)]
        return sum(_lines(visible_text(r), PROSE_PX * 0.92) * PROSE_PX * LINE + 12
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
    """Estimated height of a code or text box of ``lines`` (long lines wrap)."""
    rows = sum(max(1, math.ceil(len(line.expandtabs()) / CODE_COLS)) for line in lines)
    return rows * CODE_PX * LINE + PRE_PAD


def png_size(data: str) -> tuple[int, int]:
    """(width, height) in pixels of a base64 PNG."""
    head = base64.b64decode(data[:64])
    return struct.unpack(">II", head[16:24])


def output_height(output) -> float:
    """Estimated height of a code cell's output (a figure: its natural size, fit to the width)."""
    if output.get("output_type") == "stream":
        return code_height(output.get("text", "").rstrip("\n").splitlines())
    if output.get("output_type") == "error":
        return code_height(output.get("traceback", []))
    data = output.get("data", {})
    if "image/png" in data:
        width, height = png_size(data["image/png"])
        return height * min(1.0, CONTENT_W / width) + FIGURE_GAP
    if "text/html" in data:
        html = data["text/html"]
        html = html if isinstance(html, str) else "".join(html)
        return html.count("<tr") * TABLE_ROW + PRE_PAD
    if "text/markdown" in data or "text/latex" in data:
        return sum(block_height(k, t) for k, t, _ in
                   md_blocks(data.get("text/markdown") or data["text/latex"]))
    text = data.get("text/plain", "")
    return code_height(text.rstrip("\n").splitlines()) if text else 0.0


def trim(lines: list[str]) -> list[str]:
    """``lines`` without blank lines at either end."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def cut_lines(lines: list[str], room: float) -> tuple[list[str], list[str]]:
    """Split code or text into the longest head that fits ``room`` px and the rest.

    The cut goes where a statement ends: at a blank line before an unindented line, else
    before an unindented statement, else at any blank line (in the head's last two thirds).

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


def html_of(data: dict) -> str:
    """The ``text/html`` of an output's data, as one string."""
    html = data.get("text/html", "")
    return html if isinstance(html, str) else "".join(html)


def split_output(output, room: float) -> list:
    """Cut a text output (printed, plain text or an HTML table) into a head that fits.

    Parameters
    ----------
    output : dict
        A code cell's output.
    room : float
        Height (logical px) the head may take.

    Returns
    -------
    parts : list of dict
        Copies of ``output``: the head and the rest, or ``[output]`` when it cannot be cut;
        an HTML table's header rows are repeated in both.
    """
    data = output.get("data", {})
    table = html_of(data)
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
        part = copy.deepcopy(output)
        (part if len(key) == 1 else part[key[0]])[key[-1]] = text
        parts.append(part)
    return parts
