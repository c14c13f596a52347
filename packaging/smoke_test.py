"""Smoke test of the frozen bundle, as a clinic would run it.

    python3 packaging/smoke_test.py [dist/OncoRef]

Every command runs the frozen executable (no Python from this machine) in a
sandbox made with `unshare`:
* a network namespace with no interfaces but loopback, which is down: the
  program cannot reach any network, and still has to work;
* the bundle folder mounted read-only over itself: a write there fails;
* HOME pointed at an empty folder, no XDG_* folders set, the offscreen platform.
Where strace is available the commands also run under it, and no internet
socket may be opened at all.

It checks `list`, `search`, `define`, `print -o`, `index`, a clinic folder,
`--exit-when-ready` and a signed library pack (keygen, build, refused until trusted,
install, remove), that the bundle folder is byte-for-byte unchanged, and
that nothing unexpected was written to standard error. It needs util-linux's
`unshare` and either root or unprivileged user namespaces. Uses only the
standard library; tests/packaging/test_bundle.py runs the same checks under pytest.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BUNDLE = ROOT / "dist" / "OncoRef"
EXECUTABLE = "OncoRef.exe" if sys.platform == "win32" else "OncoRef"
# What may reach standard error: our own progress messages, and what the offscreen
# platform says about window calls it cannot do. Nothing else (no warnings).
HARMLESS = re.compile(
    r"^(This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)\(\)"
    r"|(Building|Updating) the search index \(.*\)…)$"
)
CLINIC_DOCUMENT = """---
title: Eating well during treatment
cancerTypes: [small intestine]
source: Riverside Clinic
---
# Eating well during treatment

## Small meals

Eat five or six small meals a day; a pomegranate smoothie counts as one.
"""


def tree_state(top: Path) -> dict[str, tuple[int, int, int]]:
    """Every file and folder under top: size, modification time, mode."""
    state = {}
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(folder) / name
            info = path.lstat()
            state[str(path.relative_to(top))] = (info.st_size, info.st_mtime_ns, info.st_mode)
    return state


@dataclass
class Run:
    args: list[str]
    code: int
    out: str
    err: str
    sockets: list[str] = field(default_factory=list)  # internet sockets strace saw

    @property
    def unexpected_stderr(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip() and not HARMLESS.match(line)]


class Sandbox:
    """The frozen program, run with no network, a read-only bundle and an empty home."""

    def __init__(self, bundle: Path) -> None:
        self.bundle = bundle.resolve()
        self.executable = self.bundle / EXECUTABLE
        if not self.executable.is_file():
            raise SystemExit(f"no bundle at {self.bundle}: build it with packaging/build.sh")
        self.scratch = Path(tempfile.mkdtemp(prefix="oncoref-smoke-"))
        self.home = self.scratch / "home"
        self.home.mkdir()
        runtime = self.scratch / "runtime"  # a desktop session always has one
        runtime.mkdir(mode=0o700)
        self.clinic = self.scratch / "clinic"
        self.clinic.mkdir()
        (self.clinic / "eating-well.md").write_text(CLINIC_DOCUMENT, encoding="utf-8")
        self.env = {
            "HOME": str(self.home),
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen",
            "XDG_RUNTIME_DIR": str(runtime),
        }
        self.strace = shutil.which("strace")
        self.unshare = self._namespace_command()
        self.before = tree_state(self.bundle)

    def _namespace_command(self) -> list[str]:
        unshare = shutil.which("unshare")
        if unshare is None:
            raise SystemExit("the smoke test needs `unshare` (util-linux)")
        base = [unshare, "--mount", "--net"]
        if os.geteuid() != 0:
            base.insert(1, "--map-root-user")
        probe = subprocess.run([*base, "true"], capture_output=True, text=True)
        if probe.returncode != 0:
            raise SystemExit(f"cannot make a network namespace: {probe.stderr.strip()}")
        return base

    def run(self, *args: str, timeout: float = 120) -> Run:
        """The frozen program with these arguments."""
        return self.execute([str(self.executable), *args], timeout)

    def execute(
        self, inner: list[str], timeout: float = 120, env: dict[str, str] | None = None
    ) -> Run:
        trace = self.scratch / "strace.log"
        args = inner[1:]
        if self.strace:
            inner = [self.strace, "-f", "-qq", "-e", "trace=socket", "-o", str(trace), *inner]
        # Inside the new namespaces: the bundle becomes read-only, then the program runs.
        script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
        command = [*self.unshare, "sh", "-c", script, "sh", str(self.bundle), *inner]
        done = subprocess.run(
            command,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.home,
        )
        sockets = []
        if self.strace and trace.exists():
            sockets = [
                line
                for line in trace.read_text(errors="replace").splitlines()
                if re.search(r"socket\((AF_INET6?|AF_PACKET|PF_INET6?)\b", line)
            ]
            trace.unlink()
        return Run(list(args), done.returncode, done.stdout, done.stderr, sockets)

    def network_interfaces(self) -> list[str]:
        """What the program's namespace has: /proc/net/dev lists this namespace's own."""
        done = subprocess.run(
            [*self.unshare, "cat", "/proc/net/dev"], capture_output=True, text=True, check=True
        )
        return [line.split(":")[0].strip() for line in done.stdout.splitlines()[2:]]

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


# -- checks: each raises AssertionError with what a person would want to know ---------


def expect_clean(run: Run) -> None:
    assert run.code == 0, f"{run.args} exited {run.code}: {run.err.strip()[-2000:]}"
    assert not run.unexpected_stderr, f"{run.args} wrote to stderr: {run.unexpected_stderr}"
    assert not run.sockets, f"{run.args} opened internet sockets: {run.sockets}"


def check_no_network_in_the_sandbox(box: Sandbox) -> None:
    assert box.network_interfaces() == ["lo"], box.network_interfaces()


def check_list(box: Sandbox) -> None:
    run = box.run("list", "--json")
    expect_clean(run)
    docs = {row["doc"]: row for row in json.loads(run.out)}
    library = box.bundle / "_internal" / "resources" / "library"
    shipped = {p.name.split(".")[0] for p in library.iterdir() if not p.name.endswith(".yaml")}
    assert set(docs) == shipped, (sorted(docs), sorted(shipped))
    assert all(row["sections"] > 0 for row in docs.values())


def check_search_uses_the_prebuilt_index(box: Sandbox) -> None:
    run = box.run("search", "gleevec side effects", "--json")
    expect_clean(run)
    result = json.loads(run.out)
    assert result["hits"], "no results for 'gleevec side effects'"
    assert result["hits"][0]["doc"] == "acs-treating-gist", result["hits"][0]
    assert "<b>" in result["hits"][0]["snippet"]
    built = list((box.home / ".cache").rglob("oncoref-manifest.json"))
    assert not built, f"an index was built in the cache instead of using the bundle's: {built}"
    run = box.run("index")
    expect_clean(run)
    assert "prebuilt index" in run.out and "read-only" in run.out, run.out


def check_define(box: Sandbox) -> None:
    run = box.run("define", "gist", "biopsy", "--json")
    expect_clean(run)
    rows = json.loads(run.out)
    assert [r["found"] for r in rows] == [True, True], rows
    assert "stomach" in rows[0]["definition"] or "digestive" in rows[0]["definition"], rows[0]


def check_print(box: Sandbox) -> None:
    out = box.home / "handout.pdf"
    run = box.run("print", "acs-treating-gist", "--section", "imatinib-gleevec", "-o", str(out))
    expect_clean(run)
    assert out.read_bytes()[:5] == b"%PDF-", "the handout is not a PDF"
    pages = re.search(r"(\d+) pages?", run.out)
    assert pages and int(pages.group(1)) >= 1, run.out


def check_clinic_documents_are_searched_with_the_bundled_ones(box: Sandbox) -> None:
    run = box.run("search", "--library", str(box.clinic), "pomegranate smoothie", "--json")
    expect_clean(run)
    assert [h["doc"] for h in json.loads(run.out)["hits"]][:1] == ["eating-well"], run.out
    run = box.run("search", "--library", str(box.clinic), "gleevec", "--json")
    expect_clean(run)
    assert json.loads(run.out)["hits"][0]["doc"] == "acs-treating-gist"
    manifests = list((box.home / ".cache").rglob("oncoref-manifest.json"))
    assert len(manifests) == 1, manifests
    assert list(json.loads(manifests[0].read_text())["docs"]) == ["eating-well"]


# A web page, a Word file and an NCI PDQ summary, made here (the formats' libraries,
# lxml and python-docx, must be in the bundle).
IMPORTED_PAGE = (
    "<html><body><nav><a href='/'>Home</a></nav><main><h1>Mouth care</h1>"
    "<h2>Brushing</h2><p>Use a soft toothbrush.</p></main></body></html>"
)
IMPORTED_PDQ = (
    '<?xml version="1.0"?><Summary><SummaryTitle>Mouth Care (PDQ)</SummaryTitle>'
    "<SummarySection><Title>Rinses</Title><Para>Rinse with "
    '<GlossaryTermRef href="CDR0000045214">salt water</GlossaryTermRef>.</Para>'
    "</SummarySection></Summary>"
)
_OOXML = "http://schemas.openxmlformats.org"
_RELS = f"{_OOXML}/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_W = f'xmlns:w="{_OOXML}/wordprocessingml/2006/main"'


def _imported_docx() -> bytes:
    """The smallest Word file: a heading style and three paragraphs."""
    rels = f'<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{_OOXML}/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{_TYPE}.document.main+xml"/>'
        f'<Override PartName="/word/styles.xml" ContentType="{_TYPE}.styles+xml"/></Types>',
        "_rels/.rels": f'{rels}<Relationship Id="rId1" Type="{_RELS}/officeDocument" '
        'Target="word/document.xml"/></Relationships>',
        "word/_rels/document.xml.rels": f'{rels}<Relationship Id="rId1" Type="{_RELS}/styles" '
        'Target="styles.xml"/></Relationships>',
        "word/styles.xml": f'<w:styles {_W}><w:style w:type="paragraph" w:styleId="Heading1">'
        '<w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
        "</w:styles>",
        "word/document.xml": f"<w:document {_W}><w:body>"
        "<w:p><w:r><w:t>Drink water often.</w:t></w:r></w:p>"
        '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Dry mouth</w:t></w:r></w:p>'
        "<w:p><w:r><w:t>Sip water through the day.</w:t></w:r></w:p></w:body></w:document>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def check_imported_formats_load(box: Sandbox) -> None:
    folder = box.scratch / "imported"
    folder.mkdir()
    (folder / "mouth-care.html").write_text(IMPORTED_PAGE, encoding="utf-8")
    (folder / "dry-mouth.docx").write_bytes(_imported_docx())
    (folder / "CDR0001.xml").write_text(IMPORTED_PDQ, encoding="utf-8")
    for doc, kind, words in (
        ("mouth-care", "html", "Use a soft toothbrush."),
        ("dry-mouth", "docx", "Sip water through the day."),
        ("CDR0001", "pdq-xml", "Rinse with salt water."),
    ):
        run = box.run("show", doc, "--no-bundled", "--library", str(folder), "--json")
        expect_clean(run)
        shown = json.loads(run.out)
        assert shown["format"] == kind, run.out
        assert any(words in s["text"] for s in shown["sections"]), run.out
        assert "Home" not in run.out, run.out


def check_window_opens(box: Sandbox) -> None:
    run = box.run("--exit-when-ready")
    expect_clean(run)
    assert re.search(r"^ready: 4 documents, \d+ sections", run.out, re.M), run.out


def check_library_pack_signed_refused_installed_and_removed(box: Sandbox) -> None:
    """The frozen program signs and checks Ed25519 signatures (PyNaCl and its libsodium
    are in the bundle), refuses an untrusted pack and installs a trusted one into the
    user's data folder."""
    key = box.scratch / "keys" / "clinic.key"
    run = box.run("pack", "keygen", "-o", str(key), "--name", "Riverside Clinic")
    assert run.code == 0 and run.out.startswith("oncoref-ed25519 "), (run.out, run.err)
    source = box.scratch / "pack-source"
    source.mkdir()
    (source / "eating-well.md").write_text(
        CLINIC_DOCUMENT.replace("---\n#", "license: CC0\n---\n#", 1), encoding="utf-8"
    )
    (source / "pack.yaml").write_text("id: riverside.handouts\nversion: 1\n", encoding="utf-8")
    pack = box.scratch / "riverside.oncopack"
    expect_clean(box.run("pack", "build", str(source), "-o", str(pack), "--key", str(key)))
    run = box.run("pack", "install", str(pack))
    assert run.code == 6 and "not signed by a publisher this computer trusts" in run.err, run
    assert not (box.home / ".local/share/OncoRef/packs").exists(), "a refused pack left files"
    expect_clean(box.run("pack", "trust", str(key) + ".pub"))
    expect_clean(box.run("pack", "install", str(pack)))
    run = box.run("search", "pomegranate smoothie", "--json")
    expect_clean(run)
    assert [h["doc"] for h in json.loads(run.out)["hits"]][:1] == ["eating-well"], run.out
    assert (box.home / ".local/share/OncoRef/packs/installed.json").is_file()
    expect_clean(box.run("pack", "remove", "riverside.handouts"))
    assert not (box.home / ".local/share/OncoRef/packs/riverside.handouts").exists()


def check_install_for_one_user(box: Sandbox) -> None:
    """install.sh --user: the menu entry starts the installed copy, with its icon."""
    if not (box.bundle / "install.sh").exists():
        assert sys.platform != "linux", "the Linux bundle has no install.sh"
        return
    home = box.scratch / "installer"
    home.mkdir()
    run = box.execute(
        ["/bin/sh", str(box.bundle / "install.sh"), "--user"], env={"HOME": str(home)}
    )
    expect_clean(run)
    entry = (home / ".local/share/applications/oncoref.desktop").read_text(encoding="utf-8")
    fields = dict(line.split("=", 1) for line in entry.splitlines() if "=" in line)
    installed = home / ".local/lib/OncoRef/OncoRef"
    assert fields["Exec"] == str(installed) and fields["Icon"] == "oncoref", fields
    assert (home / ".local/share/icons/hicolor/256x256/apps/oncoref.png").is_file()
    validator = shutil.which("desktop-file-validate")  # desktop-file-utils, where installed
    if validator:
        checked = subprocess.run(
            [validator, str(home / ".local/share/applications/oncoref.desktop")],
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout
    run = box.execute([str(home / ".local/bin/oncoref"), "--version"], env={"HOME": str(home)})
    expect_clean(run)
    assert run.out.strip().startswith("oncoref "), run.out


def check_bundle_unchanged(box: Sandbox) -> None:
    after = tree_state(box.bundle)
    changed = sorted(k for k in set(box.before) | set(after) if box.before.get(k) != after.get(k))
    assert not changed, f"written inside the bundle: {changed[:10]}"
    written = sorted(str(p.relative_to(box.home)) for p in box.home.rglob("*") if p.is_file())
    # The program wrote only to the user's cache, settings and data folder (and the handout
    # it was asked for).
    own = (".cache/", ".config/", ".local/share/OncoRef/", "handout.pdf")
    assert all(p.startswith(own) for p in written), written


CHECKS: list[Callable[[Sandbox], None]] = [
    check_no_network_in_the_sandbox,
    check_list,
    check_search_uses_the_prebuilt_index,
    check_define,
    check_print,
    check_clinic_documents_are_searched_with_the_bundled_ones,
    check_imported_formats_load,
    check_window_opens,
    check_library_pack_signed_refused_installed_and_removed,
    check_install_for_one_user,
    check_bundle_unchanged,  # last: after everything else ran
]


def main(argv: list[str]) -> int:
    box = Sandbox(Path(argv[0]) if argv else DEFAULT_BUNDLE)
    print(f"Bundle: {box.bundle} (strace: {'yes' if box.strace else 'not installed'})")
    failed = 0
    try:
        for check in CHECKS:
            name = check.__name__.removeprefix("check_").replace("_", " ")
            try:
                check(box)
            except AssertionError as exc:
                failed += 1
                print(f"FAIL  {name}: {exc}")
            else:
                print(f"ok    {name}")
    finally:
        box.close()
    print(f"smoke: {len(CHECKS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
