"""cu.Table: the same rounded numbers as text (terminal, nbval) and as an HTML table (pages, decks)."""

import numpy as np
import pytest
import torch

import course_utils as cu


def test_text_form_is_aligned_and_rounded():
    table = cu.Table({"PCA": {"mse": 0.123456, "k": 8}, "AE": {"mse": torch.tensor(0.1), "k": 16}},
                     index="model", digits={"mse": 4})
    assert repr(table).splitlines() == ["model     mse   k", "  PCA  0.1235   8", "   AE  0.1000  16"]


def test_lists_format_specs_missing_cells_and_title():
    table = cu.Table({"a": [1e-7, np.float32(-0.0)], "b": [2.5]}, columns=["err", "x"],
                     digits={"err": ".1e", "x": 2}, title="T")
    assert repr(table).splitlines() == ["T", "       err     x", "a  1.0e-07  0.00", "b  2.5e+00"]


def test_html_form_is_a_table_with_the_same_text():
    html = cu.Table({"<row>": [0.5]}, columns=["v & w"], index="name")._repr_html_()
    assert html.startswith('<table class="course-table">') and html.count("<tr>") == 2
    assert "&lt;row&gt;" in html and "v &amp; w" in html and ">0.500</td>" in html


@pytest.mark.parametrize("rows, kwargs, message", [
    ({}, {}, "non-empty dict"),
    ([[1, 2]], {}, "non-empty dict"),
    ({"a": {"x": 1}}, {"columns": ["x", "y"]}, "no value for column"),
    ({"a": [1, 2, 3]}, {"columns": ["x", "y"]}, "3 values for 2 columns"),
])
def test_bad_rows_say_what_to_do(rows, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cu.Table(rows, **kwargs)
