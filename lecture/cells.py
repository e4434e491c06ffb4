"""What a notebook cell is for, as the editions see it: an instructor aside, a cell that only
formats what it prints, a code cell's measured run time.

* A markdown cell tagged ``instructor`` is an aside for the person presenting: it goes to the
  deck's speaker notes and stays out of the pages and the student edition.
* A code cell is *formatting only* when every statement in it prints, displays, records,
  checks or draws what was computed elsewhere (``print``, ``display``, ``cu.Table``,
  ``results.check``, ``plt.*``, a figure's or axes' methods, ``cu.plot_*``, loops and f-strings
  around them): a deck shows its output alone, since the code is not the idea.
* ``python -m lecture`` times each code cell as it runs and keeps the seconds in the executed
  copy's ``metadata.course.seconds`` (never in the notebooks themselves, which stay the same run
  to run); the deck puts them in the speaker notes.
"""

from __future__ import annotations

import ast
import re
from datetime import datetime

INSTRUCTOR_TAG = "instructor"
SECONDS_KEY = "seconds"  # in cell.metadata["course"]
MARKER = re.compile(r"^\s*#\s*NBVAL_\w+\s*$")  # a nbval marker line
# calls whose only job is to show or record numbers
_SHOWS = {"print", "display", "Table", "check", "record", "fmt", "show", "Markdown", "HTML"}
_TEXT = _SHOWS | {"join", "format", "rjust", "ljust", "center", "replace", "str"}  # ... and build text
_FIGURES = {"plt", "fig", "figure", "axes", "axs", "grid", "cbar"}  # and names starting with "ax"


def is_instructor(cell) -> bool:
    """Whether ``cell`` is an instructor aside (tagged ``instructor``)."""
    return INSTRUCTOR_TAG in cell.get("metadata", {}).get("tags", [])


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _root(func: ast.expr) -> str:
    """The name a call chain starts from: ``axes[0].set_title`` -> ``axes``."""
    while isinstance(func, (ast.Attribute, ast.Subscript, ast.Call)):
        func = func.func if isinstance(func, ast.Call) else func.value
    return func.id if isinstance(func, ast.Name) else ""


def _draws(call: ast.Call) -> bool:
    """Whether ``call`` draws: ``plt.*``, a method of a figure or axes, or a ``plot_*`` helper."""
    root = _root(call.func)
    return _name(call.func).startswith("plot") or root in _FIGURES or root.startswith("ax")


def _shows(node: ast.AST) -> bool:
    """Whether statement or expression ``node`` only formats, prints, displays, records or draws."""
    if isinstance(node, ast.Expr):
        node = node.value
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Constant)):
            return True  # a value shown as the cell's result, or a docstring
    if isinstance(node, ast.Call):
        return _name(node.func) in _SHOWS or _draws(node)
    if isinstance(node, (ast.For, ast.If)):
        return all(_shows(n) for n in node.body + node.orelse)
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        if isinstance(node.value, ast.Call) and _draws(node.value):  # fig, ax = plt.subplots(...)
            return True
        inside = list(ast.walk(node.value))  # text to print
        return any(isinstance(n, ast.JoinedStr) for n in inside) and all(
            _name(n.func) in _TEXT for n in inside if isinstance(n, ast.Call))
    return isinstance(node, ast.Pass)


def formatting_only(source: str) -> bool:
    """Whether a code cell only formats and shows numbers computed elsewhere.

    Parameters
    ----------
    source : str
        The cell's code (IPython magics and ``# NBVAL_`` markers allowed).

    Returns
    -------
    only : bool
        True when every top-level statement prints, displays, records or checks (``print``,
        ``display``, ``cu.Table``, ``results.check``/``record``, loops and f-string assignments
        around them); False for any other statement, and for empty or unparsable code.
    """
    lines = [x for x in source.splitlines() if not MARKER.match(x) and not x.lstrip().startswith("%")]
    try:
        body = ast.parse("\n".join(lines)).body
    except SyntaxError:
        return False
    return bool(body) and all(_shows(node) for node in body)


def formatting_share(source: str) -> float:
    """Share of a code cell's lines that belong to statements that only format or show.

    Parameters
    ----------
    source : str

    Returns
    -------
    share : float
        In [0, 1]; 0 for empty or unparsable code.
    """
    lines = [x for x in source.splitlines() if not MARKER.match(x) and not x.lstrip().startswith("%")]
    try:
        body = ast.parse("\n".join(lines)).body
    except SyntaxError:
        return 0.0
    spans = [(n.end_lineno or n.lineno) - n.lineno + 1 for n in body]
    shown = sum(s for n, s in zip(body, spans, strict=True) if _shows(n))
    return shown / sum(spans) if spans else 0.0


def record_seconds(cell) -> None:
    """Keep a just-executed code cell's run time in ``metadata.course.seconds``.

    nbclient stamps ``metadata.execution`` with the times the kernel started
    (``iopub.execute_input``) and finished (``shell.execute_reply``) the cell; their
    difference, rounded to 0.1 s, is the cell's run time. Cells without the stamps are left as
    they are.
    """
    stamps = cell.get("metadata", {}).get("execution", {})
    start, end = stamps.get("iopub.execute_input"), stamps.get("shell.execute_reply")
    if cell.get("cell_type") != "code" or not (start and end):
        return
    seconds = (datetime.fromisoformat(end.replace("Z", "+00:00"))
               - datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds()
    cell.metadata.setdefault("course", {})[SECONDS_KEY] = round(max(seconds, 0.0), 1)


def seconds(cell) -> float | None:
    """A code cell's measured run time (see :func:`record_seconds`), or None."""
    return cell.get("metadata", {}).get("course", {}).get(SECONDS_KEY)


def drop_seconds(nb) -> None:
    """Remove the measured run times from ``nb`` (before it is stored next to the sources)."""
    for cell in nb.cells:
        course = cell.get("metadata", {}).get("course")
        if course is not None:
            course.pop(SECONDS_KEY, None)
            if not course:
                del cell.metadata["course"]


def run_time_note(values: list[float | None], hidden: bool = False) -> str:
    """The speaker-notes line for a code cell's run time (``values``: the seconds of the cell,
    after those of hidden cells run before it), e.g. ``"Run time: 2.4 s"``."""
    known = [v for v in values if v is not None]
    if not known:
        return "*Run time: not measured (this deck was rendered from stored outputs).*"
    total = sum(known)
    text = "under 0.1 s" if total < 0.05 else f"{total:.1f} s"
    where = " (with the setup cells before it, which the deck does not show)" if hidden else ""
    return f"*Run time{where}: {text}.*"
