"""Tables of numbers that render as tables: HTML in JupyterLab, pages and decks, aligned text elsewhere.

A notebook shows a table by ending a cell with ``cu.Table(...)`` (or ``display(cu.Table(...))``
for several in one cell) instead of printing aligned columns by hand::

    cu.Table({"PCA": {"clean": 0.0175, "noise 0.4": 0.028}, "plain": {...}}, index="model", digits=4)

Its text form (``repr``, what a terminal and nbval see) is the same aligned, rounded table a
``print`` loop would give, so it repeats run to run; its HTML form is a real table.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from course_utils.checks import fmt

Cell = float | int | str | None


def _text(value: Cell, digits: int | str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if hasattr(value, "item"):  # 0-d tensor or NumPy scalar
        value = value.item()
    if isinstance(value, bool) or isinstance(value, int):
        return str(value)
    if isinstance(digits, str):  # a format spec, e.g. ".1e"
        return format(float(value) + 0.0, digits)
    return fmt(float(value), digits)


class Table:
    """A small table of labelled rows of numbers.

    Parameters
    ----------
    rows : mapping of str to (mapping of str to value, or sequence of values)
        Row label -> the row's values, by column name (a dict) or in column order (a list).
        Values are numbers (floats are rounded to ``digits``), strings, or None (an empty cell).
    columns : sequence of str or mapping of str to str, optional
        The columns in order; a mapping gives each column key its printed header. Default:
        the keys of the first row (dict rows) or ``"1", "2", ...`` (list rows).
    index : str, default ""
        Header of the row-label column.
    digits : int, str or mapping of str to (int or str), default 3
        Decimals of floats (or a format spec such as ``".1e"``), for every column or per column
        key (others: 3).
    title : str, optional
        A caption above the table.

    Raises
    ------
    ValueError
        If a row lacks a column or has more values than there are columns.

    Examples
    --------
    >>> Table({"PCA": [0.5, 1.0], "AE": [0.25, 1.0]}, columns=["MSE", "ratio"], index="model")
    model    MSE  ratio
      PCA  0.500  1.000
       AE  0.250  1.000
    """

    def __init__(self, rows: Mapping[str, Mapping[str, Cell] | Sequence[Cell]], *,
                 columns: Sequence[str] | Mapping[str, str] | None = None, index: str = "",
                 digits: int | str | Mapping[str, int | str] = 3, title: str | None = None) -> None:
        if not isinstance(rows, Mapping) or not rows:
            raise ValueError("give the rows as a non-empty dict: row label -> its values "
                             "(a dict by column, or a list in column order)")
        first = next(iter(rows.values()))
        if columns is None:
            columns = list(first) if isinstance(first, Mapping) else [str(i + 1) for i in range(len(first))]
        headers = dict(columns) if isinstance(columns, Mapping) else {str(c): str(c) for c in columns}
        keys = list(headers)
        self.title, self.index = title, index
        self.headers = [headers[k] for k in keys]
        self.cells: list[list[str]] = []
        self.labels = [str(label) for label in rows]
        for label, row in rows.items():
            if isinstance(row, Mapping):
                missing = [k for k in keys if k not in row]
                if missing:
                    raise ValueError(f"row {label!r} has no value for column(s) {missing}")
                values = [row[k] for k in keys]
            else:
                values = list(row)
                if len(values) > len(keys):
                    raise ValueError(f"row {label!r} has {len(values)} values for {len(keys)} columns")
                values += [None] * (len(keys) - len(values))
            self.cells.append([
                _text(v, digits.get(k, 3) if isinstance(digits, Mapping) else digits)
                for k, v in zip(keys, values, strict=True)])

    def __repr__(self) -> str:
        grid = [[self.index, *self.headers]] + [[label, *row] for label, row in zip(self.labels, self.cells,
                                                                                     strict=True)]
        widths = [max(len(r[i]) for r in grid) for i in range(len(grid[0]))]
        lines = ["  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in grid]
        return "\n".join(([self.title] if self.title else []) + lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        num = ' style="text-align: right; font-variant-numeric: tabular-nums"'  # numbers line up
        left = ' style="text-align: left"'
        head = f"<th{left}>{esc(self.index)}</th>" + "".join(f"<th{num}>{esc(h)}</th>" for h in self.headers)
        body = "".join(f"<tr><th{left}>{esc(label)}</th>" + "".join(f"<td{num}>{esc(c)}</td>" for c in row)
                       + "</tr>" for label, row in zip(self.labels, self.cells, strict=True))
        caption = f"<caption>{esc(self.title)}</caption>" if self.title else ""
        return (f'<table class="course-table">{caption}<thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>")
