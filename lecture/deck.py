"""Lay out a notebook as reveal.js slides that fit: the deck's nbconvert preprocessor.

The notebooks mark slides with ``metadata.slideshow.slide_type``; nbconvert turns that
into reveal.js sections as it is, so a long cell or a tall figure runs off the slide.
:class:`DeckLayout` runs before nbconvert's own slide preprocessor (decks only) and
re-lays out the cells, with the height estimates of :mod:`lecture.deckfit`:

* cells tagged ``deck-skip`` (plumbing: imports, settings) and ``skip`` cells leave the
  deck, and so do ``# NBVAL_...`` marker lines; a cell tagged ``deck-hide-input`` shows
  only its outputs;
* each cell is cut into pieces (markdown blocks, code, each output) that fill the author's
  slides in order; a piece that does not fit starts a new sub-slide, headed by the slide's
  title and "(continued)". A heading, or a paragraph ending in ":", stays with what follows
  it, and code with its printed output;
* code, printed output and HTML tables taller than the room left are cut (code at a blank
  line or before an unindented line); a figure that does not fit under its code gets its
  own sub-slide, is scaled down when taller than a slide, and grows (up to ``ZOOM``) into
  a slide's spare height;
* a paragraph that does not fit (other than a cell's first) goes to the speaker notes
  (``S``) instead, and so does a ``<details>`` block (exercise solutions);
* an ``instructor`` cell goes to the speaker notes, a code cell that only formats what it
  prints shows its output alone, and each code cell's run time goes to the notes
  (:mod:`lecture.cells`).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import html
import re

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode, v4

from lecture import cells as cellkinds
from lecture import deckfit as fit
from lecture.deckfit import BUDGET

SKIP_TAG = "deck-skip"  # the cell stays out of the deck
HIDE_INPUT_TAG = "deck-hide-input"  # the deck shows the cell's outputs only
_BREAKS = ("slide", "subslide")
ZOOM = 1.5  # figures grow up to this factor into a slide's spare height
MIN_ROOM = 160  # px left on a slide for long code to start there rather than on the next


@dataclasses.dataclass
class Piece:
    """A part of one cell that goes on one slide."""

    cell: int  # index of the source cell
    kind: str  # md, notes, code, out
    height: float
    text: str = ""  # markdown block or code lines
    sep: str = ""  # separator before a markdown block
    block: str = ""  # markdown block kind (para, item, heading2, ...)
    output: dict | None = None
    start: str = "-"  # the author's slide_type of the cell
    first: bool = False  # the cell's first piece
    brk: bool = False  # the layout starts a new sub-slide here
    extra: dict = dataclasses.field(default_factory=dict)  # title, scale


def _split(piece: Piece, room: float) -> list[Piece]:
    """Code or printed output cut into a head that fits ``room`` px and the rest."""
    if piece.kind == "code":
        head, rest = fit.cut_lines(piece.text.splitlines(), room - fit.CELL_GAP)
        parts = [dataclasses.replace(piece, text="\n".join(x),
                                     height=fit.code_height(x) + fit.CELL_GAP)
                 for x in (head, rest) if x]
    else:
        parts = [dataclasses.replace(piece, output=out, height=fit.output_height(out))
                 for out in fit.split_output(piece.output, room)]
    for part in parts[1:]:  # the rest continues the cell
        part.first, part.brk, part.extra = False, False, {}
    return parts or [piece]


def _cut(nb: NotebookNode) -> list[Piece]:
    """The deck's cells as a list of :class:`Piece` in order, skipped cells left out: markdown
    blocks, code and outputs with their heights; notes and ``<details>`` as ``notes``."""
    pieces, pending, hidden = [], "", []  # hidden: run times of skipped code cells
    for i, cell in enumerate(nb.cells):
        kind = cell.metadata.get("slideshow", {}).get("slide_type", "-") or "-"
        tags = cell.metadata.get("tags", [])
        if kind == "skip" or SKIP_TAG in tags:
            if kind in _BREAKS and pending != "slide":
                pending = kind  # a dropped slide start passes to the next cell
            hidden += [cellkinds.seconds(cell)] if cell.cell_type == "code" else []
            continue
        kind = "notes" if cellkinds.is_instructor(cell) else kind
        if kind != "notes" and pending:
            kind, pending = (pending if kind not in _BREAKS or pending == "slide" else kind), ""
        new, cell_pieces = functools.partial(Piece, i, start=kind), []
        if kind == "notes":
            cell_pieces = [new("notes", 0, text=cell.source)]
        elif cell.cell_type == "markdown":
            cell_pieces = [new("notes" if block == "details" else "md",
                               fit.block_height(block, text), text, sep, block)
                           for block, text, sep in fit.md_blocks(cell.source)]
        elif cell.cell_type == "code":
            lines = fit.trim([x for x in cell.source.splitlines() if not cellkinds.MARKER.match(x)])
            if lines and HIDE_INPUT_TAG not in tags and not cellkinds.formatting_only(cell.source):
                cell_pieces = [new("code", fit.code_height(lines) + fit.CELL_GAP, "\n".join(lines))]
            cell_pieces += [new("out", fit.output_height(out), output=out)
                            for out in cell.get("outputs", [])]
            note = cellkinds.run_time_note([*hidden, cellkinds.seconds(cell)], bool(hidden))
            cell_pieces, hidden = cell_pieces + [new("notes", 0, text=note)], []
        if cell_pieces:
            cell_pieces[0].first = True
            pieces += cell_pieces
    return pieces


def _keeps(piece: Piece, following: Piece) -> bool:
    """Whether ``piece`` stays on a slide with ``following``: a heading or a paragraph ending
    in ":" with what comes next, code with its text outputs."""
    if piece.kind == "md":
        return piece.block.startswith("heading") or piece.text.rstrip().endswith(":")
    return (piece.kind in ("code", "out") and following.kind == "out"
            and following.cell == piece.cell and not _is_figure(following))


def _need(pieces: list[Piece], i: int, room: float) -> float:
    """Height that must fit for piece ``i``: it and the pieces it keeps with."""
    need = 0.0
    while True:
        need += pieces[i].height
        k = next((k for k in range(i + 1, len(pieces)) if pieces[k].kind != "notes"), None)
        if k is None or (pieces[k].first and pieces[k].start in _BREAKS) \
                or not _keeps(pieces[i], pieces[k]):
            return need
        if need + pieces[k].height > room:  # the next piece is big: a start of it will do
            return need + min(pieces[k].height, 120.0)
        i = k


def _splittable(piece: Piece) -> bool:
    """Code, printed output, plain text or an HTML table: what :func:`_split` can cut."""
    if piece.kind != "out":
        return piece.kind == "code"
    data = piece.output.get("data", {})
    return (piece.output.get("output_type") == "stream" or set(data) == {"text/plain"}
            or ("<tr" in data.get("text/html", "") and not _is_figure(piece)))


def _layout(pieces: list[Piece]) -> list[Piece]:
    """Decide where sub-slides start in ``pieces`` (from :func:`_cut`; changed in place).

    Pieces that do not fit start a sub-slide (or, for prose, go to the notes); code and text
    outputs taller than the room are cut; figures are scaled to the room they get.
    """
    used, title, cont, prev, i = 0.0, "", fit.CONT_HEIGHT, None, 0
    while i < len(pieces):
        piece = pieces[i]
        if piece.kind == "notes":
            i += 1
            continue
        if piece.first and piece.start in _BREAKS:
            used, prev = 0.0, None
        if used + _need(pieces, i, BUDGET - cont) > BUDGET:
            # cut code here if it is taller than a slide, or if what precedes it introduces it
            parts = _split(piece, BUDGET - used) if (
                _splittable(piece) and used > 0 and BUDGET - used >= MIN_ROOM
                and (piece.height > BUDGET - cont or (prev and _keeps(prev, piece)))) else []
            if parts and parts[0].height <= BUDGET - used:
                pieces[i:i + 1] = parts
            elif used > 0:
                if (piece.kind == "md" and piece.block == "para" and not piece.first
                        and not piece.text.rstrip().endswith(":")):
                    piece.kind = "notes"  # prose that does not fit: the speaker says it
                    i += 1
                    continue
                piece.brk, used = True, 0.0
                if not piece.block.startswith("heading"):  # a heading is title enough
                    piece.extra["title"], used = title, cont
            if _splittable(pieces[i]) and pieces[i].height > BUDGET - used:
                pieces[i:i + 1] = _split(pieces[i], BUDGET - used)
            piece = pieces[i]
        if _is_figure(piece) and piece.height > BUDGET - used:  # taller than a slide
            piece.extra["scale"] = (BUDGET - used - fit.FIGURE_GAP) / (piece.height - fit.FIGURE_GAP)
            piece.height = BUDGET - used
        if piece.block.startswith("heading") and int(piece.block[-1]) <= 3:
            heading = piece.text.splitlines()[0].lstrip("#").strip()  # ATX or setext
            title = html.escape(re.sub(r"\*\*|__|`", "", heading), quote=False)
        used, prev, i = used + piece.height, piece, i + 1
    return _zoom(pieces, cont)


def _is_figure(piece: Piece) -> bool:
    return piece.kind == "out" and "image/png" in piece.output.get("data", {})


def _zoom(pieces: list[Piece], cont: float) -> list[Piece]:
    """Spend each slide's spare height on its figures, up to ``ZOOM`` times their size."""
    slides = []
    for piece in pieces:
        if piece.kind != "notes":
            if not slides or piece.brk or (piece.first and piece.start in _BREAKS):
                slides.append([])
            slides[-1].append(piece)
    for slide in slides:
        figures = [p for p in slide if _is_figure(p)]
        used = sum(p.height for p in slide) + (cont if "title" in slide[0].extra else 0.0)
        tall = sum(p.height - fit.FIGURE_GAP for p in figures)
        if not figures or used >= BUDGET:
            continue
        zoom = min(ZOOM, 1 + (BUDGET - used) / tall)
        for piece in figures:
            width, _ = fit.png_size(piece.output["data"]["image/png"])
            shown = width * min(1.0, fit.CONTENT_W / width) * piece.extra.get("scale", 1.0)
            z = min(zoom, fit.CONTENT_W / shown)
            piece.extra["scale"] = piece.extra.get("scale", 1.0) * z
            piece.height = (piece.height - fit.FIGURE_GAP) * z + fit.FIGURE_GAP
    return pieces


def _new_cell(proto: NotebookNode, cell_type: str, source: str, kind: str, suffix: int):
    make = v4.new_code_cell if cell_type == "code" else v4.new_markdown_cell
    metadata = {k: copy.deepcopy(v) for k, v in proto.metadata.items()
                if k not in ("tags", "slideshow")}
    cell = make(source=source, metadata={**metadata, "slideshow": {"slide_type": kind}})
    cell["id"] = f"{proto.get('id') or 'cell'}-d{suffix}"[-64:]
    if cell_type == "code":
        cell.execution_count = proto.get("execution_count")
    return cell


def _assemble(nb: NotebookNode, pieces: list[Piece]) -> list[NotebookNode]:
    """The cells of the laid-out deck, from ``nb``'s ``pieces`` (after :func:`_layout`).

    Consecutive pieces of a cell on one slide share a cell; a sub-slide the layout added
    starts with a "(continued)" line; outputs without their code hide the input.
    """
    cells, groups = [], []
    for piece in pieces:
        last = groups[-1] if groups else None
        if (last and not piece.brk and not piece.first and last[0].cell == piece.cell
                and (last[0].kind == "notes") == (piece.kind == "notes")):
            last.append(piece)
        else:
            groups.append([piece])
    shown = set()  # source cells with a visible part so far
    for n, group in enumerate(groups):
        head, proto = group[0], nb.cells[group[0].cell]
        if head.brk and "title" in head.extra:
            title = head.extra["title"]
            text = f'<p class="deck-cont">{title + " " if title else ""}(continued)</p>'
            cells.append(_new_cell(proto, "markdown", text, "subslide", 1000 + n))
        if head.kind == "notes":
            kind = "notes"
        else:
            kind = ("-" if "title" in head.extra else "subslide") if head.brk else (
                "-" if head.cell in shown else head.start)
            shown.add(head.cell)
        if head.kind in ("notes", "md"):
            text = group[0].text + "".join(p.sep + p.text for p in group[1:])
            if head.kind == "notes" and head.block:
                text = re.sub(r"</?(details|summary)>", "", text)
            cells.append(_new_cell(proto, "markdown", text, kind, n))
            continue
        cell = _new_cell(proto, "code", "\n".join(p.text for p in group if p.kind == "code"),
                         kind, n)
        if not any(p.kind == "code" for p in group):
            cell.metadata["transient"] = {"remove_source": True}
        for piece in (p for p in group if p.kind == "out"):
            out = copy.deepcopy(piece.output)
            if "image/png" in out.get("data", {}):
                width, _ = fit.png_size(out["data"]["image/png"])
                scale = min(1.0, fit.CONTENT_W / width) * piece.extra.get("scale", 1.0)
                out.setdefault("metadata", {}).setdefault("image/png", {})["width"] = \
                    int(width * scale)
            cell.outputs.append(out)
        cells.append(cell)
    return cells


class DeckLayout(Preprocessor):
    """nbconvert preprocessor: the notebook's cells laid out so every slide fits."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Lay out the notebook's cells.

        Parameters
        ----------
        nb : NotebookNode
            The notebook (left as it is).
        resources : dict
            nbconvert's resources.

        Returns
        -------
        nb, resources : NotebookNode, dict
            A laid-out copy of ``nb``; ``resources["deck"]`` holds the sizes for the CSS.
        """
        nb = copy.deepcopy(nb)
        nb.cells = _assemble(nb, _layout(_cut(nb)))
        resources["deck"] = copy.deepcopy(fit.CSS_SIZES)
        return nb, resources
