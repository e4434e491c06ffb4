"""Shared test setup: default (offline subset) mode, no results written by nbval runs."""

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def pytest_configure(config):
    # Stored notebook outputs are for the default mode; kernels inherit this environment.
    os.environ["COURSE_FULL"] = "0"
    os.environ.pop("COURSE_RESULTS_DIR", None)


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT
