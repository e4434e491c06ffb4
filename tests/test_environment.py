"""pyproject.toml and environment.yml list the same dependencies; the notebooks and the package need only
the runtime ones, and importing the package stays light and side-effect free."""

import ast
import json
import re
import subprocess
import sys
from importlib import metadata

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from conftest import NOTEBOOKS, ROOT

import course_utils

CONDA_NAMES = {"pytorch": "torch"}  # conda-forge name -> PyPI name
# names conda-forge is known to carry (checked); everything else goes in the pip: section
CONDA_FORGE = {"pytorch", "torchvision", "numpy", "scipy", "matplotlib", "scikit-learn", "tqdm",
               "ipykernel", "ipywidgets", "jupyterlab", "nbconvert", "pytest", "nbval"}
NOT_PACKAGES = {"python", "pip"}


def _norm(req: str) -> tuple[str, str]:
    name, spec = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*([^;]*)", req).groups()
    name = name.lower().replace("_", "-")
    return CONDA_NAMES.get(name, name), spec.replace(" ", "")


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pyproject_deps() -> set[tuple[str, str]]:
    meta = pyproject()
    reqs = list(meta["dependencies"]) + [r for extra in meta["optional-dependencies"].values() for r in extra]
    return {_norm(r) for r in reqs if "python_version" not in r}


def conda_deps() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(conda-forge entries, pip: entries) of environment.yml."""
    conda, pip = set(), set()
    text = (ROOT / "environment.yml").read_text().split("dependencies:", 1)[1]
    for line in text.splitlines():
        top = re.match(r"^  - ([^#:]+?)\s*$", line)
        nested = re.match(r"^      - ([A-Za-z][^#]*?)\s*$", line)
        if top and _norm(top.group(1))[0] not in NOT_PACKAGES:
            conda.add((top.group(1).split(">")[0].split("=")[0], _norm(top.group(1))))
        elif nested:
            pip.add(_norm(nested.group(1)))
    return conda, pip


def distributions_of(modules: set[str]) -> dict[str, set[str]]:
    """{top-level module: names of the installed distributions that provide it}, normalised as _norm does."""
    provided = metadata.packages_distributions()
    return {m: {_norm(d)[0] for d in provided.get(m, [])} for m in modules}


def imported_modules(source: str) -> set[str]:
    """Top-level names of the absolute imports anywhere in ``source`` (inside functions too)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_pyproject_and_environment_yml_agree():
    conda, pip = conda_deps()
    ours, theirs = pyproject_deps(), {dep for _, dep in conda} | pip
    assert ours == theirs, f"only in pyproject: {sorted(ours - theirs)}; only in environment.yml: {sorted(theirs - ours)}"
    unknown = {name for name, _ in conda} - CONDA_FORGE
    assert not unknown, f"not known on conda-forge under these names, move them to pip: {sorted(unknown)}"


def test_notebooks_and_package_import_only_runtime_dependencies():
    """``pip install .`` (no extras) is enough: every third-party module that course_utils (lazy imports
    included) or a notebook imports comes from a distribution listed in [project] dependencies."""
    sources = [p.read_text() for p in (ROOT / "course_utils").glob("*.py")]
    sources += ["\n".join("".join(c["source"]) for c in json.loads(p.read_text())["cells"]
                          if c["cell_type"] == "code") for p in NOTEBOOKS]
    modules = set().union(*map(imported_modules, sources)) - set(sys.stdlib_module_names) - {"course_utils"}
    runtime = {_norm(r)[0] for r in pyproject()["dependencies"]}
    outside = {m: sorted(d) or "not installed" for m, d in distributions_of(modules).items() if not d & runtime}
    assert not outside, f"imported, but not from a runtime dependency of pyproject.toml: {outside}"


def test_constraints_pin_every_installed_package():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    assert pins, "constraints.txt is empty"
    for name in sorted(pyproject_deps()):
        assert name[0] in pins, f"{name[0]} is not pinned in constraints.txt (make lock)"


def test_import_is_light_and_has_no_side_effects(tmp_path):
    """``import course_utils`` (one fresh interpreter, for both checks) loads no module of the lecture or
    test extras that the runtime dependencies do not need themselves, no pyplot, no data, and writes
    nothing."""
    extras = {_norm(r)[0] for reqs in pyproject()["optional-dependencies"].values() for r in reqs}
    needed = {_norm(r)[0] for dep in pyproject()["dependencies"]
              for r in metadata.requires(_norm(dep)[0]) or [] if "extra ==" not in r}
    code = ("import sys, os, course_utils; print(sorted({m.split('.')[0] for m in sys.modules})); "
            "print('matplotlib.pyplot' in sys.modules, 'mlxtend' in sys.modules, os.listdir('.'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         check=True)
    loaded, side_effects = out.stdout.splitlines()
    from_extras = {m: d for m, d in distributions_of(set(ast.literal_eval(loaded))).items()
                   if d & (extras - needed)}
    assert not from_extras, f"modules of the lecture or test extras imported: {from_extras}"
    assert side_effects == "False False []", f"pyplot imported, data loaded, files written: {side_effects}"


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
    for path in [*(ROOT / "course_utils").glob("*.py"), *(ROOT / "lecture").glob("*.py")]:
        n = len(path.read_text().splitlines())
        assert n <= 300, f"{path.name} has {n} lines; split it (one concern per module)"
