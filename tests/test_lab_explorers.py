"""The latent-space explorers of notebooks 03 and 07, live in JupyterLab, in a real browser.

Starts JupyterLab (local only, no token) on copies of the two notebooks, so the stored ones stay
untouched, with its own settings (autosave off, every cell rendered) and every request that leaves
the machine aborted. In headless Chromium it opens each notebook, clears it and runs all cells; the
kernel is not headless there (``COURSE_HEADLESS=0``), so the explorers show their sliders. Then it
moves a slider of each explorer (arrow keys on the focused handle; for the z2 slider, a value typed
into its readout) and checks that the kernel answered: the readout of ``z`` names the new value and
the decoded digit's pixels changed. Screenshots before and after:
``build/screenshots/explorer_<NN>_<which>_{before,after}.png``.

It runs two notebooks (minutes on 2 cores), so it is marked ``repeat``: ``make check-repeat`` runs
it, ``make test`` does not. Without Chromium it skips (fails under CI, like tests/test_site.py).
"""

import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.repeat]

SHOTS = ROOT / "build" / "screenshots"
RUN_TIMEOUT_S = 900              # one notebook, Run All, on a busy 2-core machine
SETTINGS = {                     # JupyterLab user settings for this run only
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
}
NOTEBOOK = "window.jupyterapp.shell.currentWidget"
KERNEL_READY = f"""name => {{ const nb = window.jupyterapp && {NOTEBOOK};
    if (!nb || !nb.context || nb.context.path !== name) return false;
    const kernel = nb && nb.sessionContext && nb.sessionContext.session && nb.sessionContext.session.kernel;
    return Boolean(kernel) && kernel.status === 'idle' && nb.content.widgets.length > 0; }}"""
ALL_RUN = f"""() => {{ const nb = {NOTEBOOK};
    const code = nb.content.widgets.filter(c => c.model.type === 'code');
    const failed = code.some(c => c.model.outputs.toJSON().some(o => o.output_type === 'error'));
    return nb.sessionContext.session.kernel.status === 'idle'
        && (failed || code.every(c => c.model.executionCount !== null)); }}"""
ERRORS = f"""() => {NOTEBOOK}.content.widgets.filter(c => c.model.type === 'code')
    .flatMap(c => c.model.outputs.toJSON()).filter(o => o.output_type === 'error')
    .map(o => o.ename + ': ' + o.evalue)"""
PIXELS = """async img => { await img.decode(); const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const g = c.getContext('2d'); g.drawImage(img, 0, 0);
    return Array.from(g.getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0)); }"""


def _chromium() -> str:
    for name in (os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    message = "no Chromium: run `make browser` or set CHROMIUM=/path/to/chrome"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message + "; CI must check the live explorers")
    pytest.skip(message + "; the live explorers were not checked")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """URL of a JupyterLab serving copies of notebooks 03 and 07, with a live (not headless) kernel."""
    lab_app = pathlib.Path(sys.executable).parent / "jupyter-lab"
    if not lab_app.exists():
        pytest.skip("JupyterLab is not installed in this environment")
    home = tmp_path_factory.mktemp("lab")
    folder, settings = home / "notebooks", home / "settings"
    folder.mkdir()
    for path in (ROOT / "notebooks").glob("0[37]_*.ipynb"):
        shutil.copy(path, folder)
    for name, values in SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    env = {**os.environ, "COURSE_HEADLESS": "0", "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    env.pop("COURSE_RESULTS_DIR", None)        # these runs record nothing for the goal tests
    port = _free_port()
    log = (home / "lab.log").open("w")
    server = subprocess.Popen(
        [str(lab_app), "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1", "--ServerApp.token=",
         "--ServerApp.password=", "--allow-root", "--LabApp.expose_app_in_browser=True",
         f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={home / 'workspaces'}",
         f"--ServerApp.root_dir={folder}"], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab exited: {(home / 'lab.log').read_text()[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer within 60 s")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    path = _chromium()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def run_all(browser, url: str, name: str):
    """A page with notebook ``name`` open in JupyterLab, all its cells run from a cleared notebook."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    outside = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url)
               or route.request.url.startswith(("data:", "blob:")) else (outside.append(route.request.url),
                                                                         route.abort()))
    page.goto(f"{url}/lab/tree/{name}?reset")        # ?reset: a fresh workspace, this notebook alone
    page.wait_for_function(KERNEL_READY, arg=name, timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_RUN, timeout=RUN_TIMEOUT_S * 1000, polling=1000)
    assert page.evaluate(ERRORS) == [], f"{name}: errors in the live run"
    assert not outside, f"requests that left the machine: {outside[:5]}"
    return page


def _values(readout: str) -> list[str]:
    """The numbers in a readout, e.g. 'decoded at z = (1.63, −0.20)' -> ['1.63', '-0.20'] (ipywidgets'
    readouts write a minus sign, U+2212)."""
    return re.findall(r"-?\d+\.\d+", readout.replace("\u2212", "-"))


def digit_pixels(explorer) -> list[int]:
    return explorer.locator("img").first.evaluate(PIXELS)


def move_and_check(page, explorer, slider: int, stem: str, *, typed: str | None = None, presses: int = 25):
    """Move slider ``slider`` of ``explorer``; the kernel must redraw the digit and name the new z."""
    explorer.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    explorer.screenshot(path=SHOTS / f"explorer_{stem}_before.png")
    before_pixels, before_text = digit_pixels(explorer), explorer.locator(".widget-html").inner_text()
    before_value = _values(explorer.locator(".widget-readout").nth(slider).inner_text())[0]
    if typed is None:
        explorer.locator(".noUi-handle").nth(slider).focus()
        for _ in range(presses):
            page.keyboard.press("ArrowRight")
    else:
        readout = explorer.locator(".widget-readout").nth(slider)
        readout.click()
        page.keyboard.press("Control+A")
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
    seen, deadline = [before_text], time.monotonic() + 60
    while time.monotonic() < deadline and (seen[-1] == before_text or len(set(seen[-4:])) > 1):
        time.sleep(0.3)                           # until the kernel answered the last move (1 s unchanged)
        seen.append(explorer.locator(".widget-html").inner_text())
    after_text = seen[-1]
    assert after_text != before_text, f"{stem}: the kernel did not answer the slider ({before_text})"
    value = _values(explorer.locator(".widget-readout").nth(slider).inner_text())[0]
    if typed is not None:   # the slider snaps the value to its step, a small part of the move
        assert abs(float(value) - float(typed)) < 0.1 * abs(float(typed) - float(before_value)), \
            f"{stem}: typed {typed}, the slider shows {value}"
    if explorer.locator(".widget-readout").count() == 2:   # sliders for z1, z2: the kernel decoded there
        assert _values(after_text)[slider] == value, f"{stem}: the slider shows {value}, the kernel {after_text}"
    after_pixels = digit_pixels(explorer)
    explorer.screenshot(path=SHOTS / f"explorer_{stem}_after.png")
    changed = sum(a != b for a, b in zip(before_pixels, after_pixels, strict=True))
    assert changed > 0.05 * len(after_pixels), f"{stem}: only {changed} digit pixels changed"
    return before_text, after_text, changed


def close(page) -> None:
    """Shut the notebook's kernel down and close the page."""
    page.evaluate(f"() => {NOTEBOOK}.sessionContext.shutdown()")
    page.context.close()


def explorers(page):
    boxes = page.locator(".jp-OutputArea-output .widget-box.widget-hbox").filter(
        has=page.locator(".widget-hslider"))
    return [boxes.nth(i) for i in range(boxes.count())]


def test_deep_autoencoder_explorer_in_jupyterlab(browser, lab):
    page = run_all(browser, lab, "03_deep_autoencoder.ipynb")
    (explorer,) = explorers(page)
    z1 = _values(explorer.locator(".widget-readout").first.inner_text())[0]
    print("03, z1:", move_and_check(page, explorer, 0, "03_z1"))
    handle = explorer.locator(".noUi-handle").nth(1)   # z2: type a value 40% of the way to its minimum
    low, now = (float(handle.get_attribute(a)) for a in ("aria-valuemin", "aria-valuenow"))
    print("03, z2:", move_and_check(page, explorer, 1, "03_z2", typed=f"{now - 0.4 * (now - low):.2f}"))
    assert _values(explorer.locator(".widget-readout").first.inner_text())[0] != z1
    close(page)


def test_vae_explorers_in_jupyterlab(browser, lab):
    page = run_all(browser, lab, "07_variational_autoencoder.ipynb")
    latent, path = explorers(page)
    print("07, z1:", move_and_check(page, latent, 0, "07_z1"))
    print("07, t:", move_and_check(page, path, 0, "07_t", typed="0.8"))
    close(page)
