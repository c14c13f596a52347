"""The window as a screen reader sees it, checked through AT-SPI.

Run by packaging/a11y_check.sh inside `xvfb-run -a dbus-run-session`, with the
system's Python (python3-pyatspi is a Debian package, not on PyPI):

    python3 packaging/a11y_check.py --app .venv/bin/oncoref --python .venv/bin/python

It starts the accessibility bus and the real window (with empty settings and a
cache of its own), then checks what AT-SPI shows: every control has a name; the
status and the note read as their text; the GIST document exposes as many links
as its page has; a search result read as heading, place and snippet; opening it
puts the caret in that section; the definition of a term opened from the
keyboard can be read. Every wait has a deadline and every process it starts is
stopped at the end. Exit status 0 when all pass, 1 when a check fails, 2 when
it could not run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

GIST = "acs-treating-gist"
CONTROL_ROLES = {
    "push button",
    "toggle button",
    "check box",
    "radio button",
    "text",
    "combo box",
    "list",
    "tree",
    "page tab",
    "menu item",
    "spin button",
    "slider",
}

failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def wait_for(find: Callable[[], Any], seconds: float, step: float = 0.25) -> Any:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            found = find()
        except Exception:  # the tree changes under us: ask again
            found = None
        if found:
            return found
        time.sleep(step)
    return None


def walk(node: Any, depth: int = 0, limit: int = 20000) -> list[Any]:
    """Every object under `node` (bounded, so a broken tree cannot loop forever)."""
    out: list[Any] = []
    stack = [(node, 0)]
    while stack and len(out) < limit:
        current, level = stack.pop()
        if current is None:
            continue
        out.append(current)
        try:
            count = current.childCount
        except Exception:
            continue
        if level < 40:
            for index in reversed(range(count)):
                with contextlib.suppress(Exception):
                    stack.append((current.getChildAtIndex(index), level + 1))
    return out


def role(node: Any) -> str:
    try:
        return str(node.getRoleName())
    except Exception:
        return ""


def showing(node: Any, pyatspi: Any) -> bool:
    try:
        states = node.getState()
        return bool(states.contains(pyatspi.STATE_SHOWING))
    except Exception:
        return False


def expected_links(python: str, env: dict[str, str]) -> int:
    """How many links (terms and others) the GIST page has, as rendered."""
    code = (
        "import re; from index.session import open_session; s = open_session(); "
        f"print(len(re.findall(r'<a [^>]*href=', s.page(s.page_key({GIST!r}, None)))))"
    )
    done = subprocess.run(
        [python, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    return int(done.stdout.strip().splitlines()[-1])


def press(pyatspi: Any, keys: str) -> None:
    """Type like a person: a string, or one named key such as 'Return' or 'Tab'."""
    named = {"Return": 0xFF0D, "Tab": 0xFF09, "Escape": 0xFF1B}
    if keys in named:
        pyatspi.Registry.generateKeyboardEvent(named[keys], None, pyatspi.KEY_SYM)
    else:
        pyatspi.Registry.generateKeyboardEvent(0, keys, pyatspi.KEY_STRING)
    time.sleep(0.15)


def definition_on_focus(pyatspi: Any, act: Callable[[], None], seconds: float = 8) -> str:
    """Do `act`, then follow the focus events: the words of the label beside the
    focused object, in the window named Definition."""
    from gi.repository import GLib  # type: ignore[import-not-found]  # the system's

    focused: list[Any] = []

    def listen(event: Any) -> None:
        if event.detail1:
            focused.append(event.source)

    pyatspi.Registry.registerEventListener(listen, "object:state-changed:focused")
    try:
        act()
        context = GLib.MainContext.default()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            while context.pending():
                context.iteration(False)
            for source in focused:
                node = source
                for _ in range(4):  # up to the popup
                    node = node.parent if node is not None else None
                    if node is not None and node.name == "Definition":
                        labels = [n for n in walk(node, limit=200) if role(n) == "label"]
                        words = [str(n.name) for n in labels if len(n.name or "") > 20]
                        if words:
                            return words[0]
            time.sleep(0.05)
        return ""
    finally:
        pyatspi.Registry.deregisterEventListener(listen, "object:state-changed:focused")


def run_checks(pyatspi: Any, app: Any, python: str, env: dict[str, str]) -> None:
    everything = walk(app)
    controls = [n for n in everything if role(n) in CONTROL_ROLES and showing(n, pyatspi)]
    nameless = [f"{role(n)} in {n.parent.name!r}" for n in controls if not (n.name or "").strip()]
    check(not nameless and len(controls) > 10, f"{len(controls)} controls all named {nameless}")

    labels = [n for n in everything if role(n) == "label"]
    status = [n.name for n in labels if re.fullmatch(r"\d+ documents · \d+ sections", n.name)]
    check(bool(status), f"the status reads as its text: {status}")
    note = [n.name for n in labels if "not medical advice" in (n.name or "")]
    check(bool(note), "the note reads as its text")

    reader = next(n for n in everything if n.name == "Document")
    want = expected_links(python, env)
    kids = [reader.getChildAtIndex(i) for i in range(reader.childCount)]
    links = [k for k in kids if role(k) == "link" and showing(k, pyatspi)]
    headings = [k for k in kids if role(k) == "heading" and showing(k, pyatspi)]
    check(
        len(links) == want > 0,
        f"the GIST page exposes {len(links)} links, its page has {want}",
    )
    check(len(headings) > 10, f"and {len(headings)} headings")

    # Search as a person does: focus the search box, type, wait for the results.
    # (Xvfb has no window manager to make the window active: asking it to take the
    # focus does.)
    frame = next(n for n in everything if role(n) == "frame")
    frame.queryComponent().grabFocus()
    time.sleep(0.3)
    field = next(n for n in everything if role(n) == "text" and n.name == "Search")
    field.queryComponent().grabFocus()
    time.sleep(0.3)
    press(pyatspi, "gleevec")

    def result_items() -> list[Any]:
        lists = [n for n in walk(app) if role(n) == "list" and n.name == "Search results"]
        if not lists:
            return []
        items = [lists[0].getChildAtIndex(i) for i in range(lists[0].childCount)]
        return [i for i in items if i is not None and (i.name or "").strip()]

    items = wait_for(result_items, 20)
    check(bool(items), f"search results are a list of {len(items or [])} items")
    if not items:
        return
    first = items[0].name
    parts = first.split(". ", 2)
    check(
        len(parts) == 3 and parts[1].startswith("In ") and len(parts[2]) > 20,
        f"a result reads heading, place and snippet: {first[:120]!r}",
    )
    heading = parts[0]

    press(pyatspi, "Return")  # opens the selected result in the reader

    def caret_line() -> str:
        text = reader.queryText()
        line = text.getTextAtOffset(text.caretOffset, pyatspi.TEXT_BOUNDARY_LINE_START)
        return str(line[0]).strip()

    line = wait_for(lambda: caret_line() if caret_line().startswith(heading) else "", 10)
    check(bool(line), f"opening it puts the caret at {heading!r} (at {caret_line()[:60]!r})")

    # Tab from link to link until a medical word, then Enter opens its definition.
    definition, term = None, ""
    for _ in range(40):
        press(pyatspi, "Tab")
        focused = [k for k in links if k.getState().contains(pyatspi.STATE_FOCUSED)]
        if focused and (focused[0].description or "").startswith("Medical word"):
            term = focused[0].name
            # A popup is not among the application's windows (Qt leaves popups out):
            # a screen reader finds it by the focus moving into it, as here.
            definition = definition_on_focus(pyatspi, lambda: press(pyatspi, "Return"))
            break
    check(
        bool(definition),
        f"the definition opened from {term!r} can be read: {str(definition)[:100]!r}",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", default=".venv/bin/oncoref")
    parser.add_argument("--python", default=".venv/bin/python")
    parser.add_argument("--seconds", type=float, default=60, help="wait this long for the window")
    args = parser.parse_args()
    try:
        import pyatspi  # type: ignore[import-not-found]  # the system's, not on PyPI
    except ImportError:
        print("python3-pyatspi is not installed", file=sys.stderr)
        return 2

    started: list[subprocess.Popen[bytes]] = []
    window: subprocess.Popen[bytes] | None = None
    folder = Path(tempfile.mkdtemp(prefix="oncoref-a11y-"))
    env = dict(os.environ)
    env.update(
        QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
        QT_ACCESSIBILITY="1",
        QT_QPA_PLATFORM="xcb",
        ONCOREF_CACHE_DIR=str(folder / "cache"),
        ONCOREF_CONFIG_DIR=str(folder / "config"),
        ONCOREF_DATA_DIR=str(folder / "data"),
    )
    try:
        launcher = "/usr/libexec/at-spi-bus-launcher"
        started.append(subprocess.Popen([launcher, "--launch-immediately"], env=env))
        time.sleep(1)
        window = subprocess.Popen([args.app], env=env, start_new_session=True)
        started.append(window)

        def find_app() -> Any:
            for app in pyatspi.Registry.getDesktop(0):
                if app is not None and (app.name or "").lower().startswith("oncoref"):
                    return app
            return None

        app = wait_for(find_app, args.seconds)
        if app is None:
            print("the window never showed on the accessibility bus", file=sys.stderr)
            return 2
        # The first page is shown (and its links listed) once the status says so.
        wait_for(
            lambda: any(
                re.fullmatch(r"\d+ documents · \d+ sections", n.name or "") for n in walk(app)
            ),
            args.seconds,
        )
        time.sleep(1)
        run_checks(pyatspi, app, args.python, env)
    finally:
        for process in reversed(started):
            try:
                if process is window:  # the window, and anything it started
                    os.killpg(process.pid, signal.SIGTERM)
                else:
                    process.terminate()
                process.wait(timeout=10)
            except (subprocess.TimeoutExpired, ProcessLookupError, PermissionError):
                process.kill()
    print(f"{len(failures)} failed" if failures else "all accessibility checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
