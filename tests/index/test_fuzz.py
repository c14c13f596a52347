"""Fuzz and fault suite: hostile files, damaged caches, killed and concurrent runs.

Each case ends in a clear problem naming the file, or in a silent recovery;
never in a traceback, a hang, or a good document lost. Hypothesis runs are
bounded (few examples, no deadline) so the whole file stays fast.
"""

from __future__ import annotations

import gc
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.library import MAX_FOLDER_DEPTH, load_document, load_library
from index.meta import split_front_matter
from index.session import Session, open_session
from index.snapshot import snapshot_path
from tests.conftest import ROOT, write

FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
BODY = "# Good title\n\nText about stomach cancer and its treatment.\n"
GOOD = "---\ntitle: Good document\ncancerTypes: [stomach]\n---\n" + BODY


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A fresh folder for each Hypothesis example (tmp_path is one per test)."""
    folder = Path(tempfile.mkdtemp(prefix="oncoref-fuzz-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def fresh(base: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=base))


# -- hostile YAML ---------------------------------------------------------------------


def _deep_flow(depth: int) -> str:
    return "[" * depth + "x" + "]" * depth


def _deep_block(depth: int) -> str:
    return "\n" + "".join("  " * i + "- \n" for i in range(depth)) + "  " * depth + "- x"


def _laughs(levels: int, width: int) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + f"\nvalue: *l{levels - 1}"


FIELDS = ["title", "cancerTypes", "lastReviewed", "source", "tags", "url"]
hostile_values = st.one_of(
    st.integers(200, 3000).map(_deep_flow),
    st.integers(40, 1200).map(_deep_block),
    st.builds(_laughs, st.integers(2, 12), st.integers(2, 12)),
    st.text(alphabet="[]{}:-&*!|>'\"#%@`,?\n \tab1", max_size=200),
)


def hostile_yaml(field: str, value: str) -> str:
    if value.startswith("\nl0:") or value.startswith("l0:"):  # anchors, then the alias
        head, _, last = value.rpartition("\nvalue: ")
        return f"{head.strip()}\n{field}: {last}\n"
    return f"{field}: {value}\n"


@FUZZ
@given(field=st.sampled_from(FIELDS), value=hostile_values, where=st.sampled_from(["fm", "side"]))
def test_hostile_yaml_is_a_problem_and_the_document_still_loads(
    scratch: Path, field: str, value: str, where: str
) -> None:
    folder = fresh(scratch)
    yaml_text = hostile_yaml(field, value)
    if where == "fm":
        path = write(folder / "doc.md", f"---\n{yaml_text}---\n{BODY}")
    else:
        path = write(folder / "doc.md", GOOD)
        write(folder / "doc.meta.yaml", yaml_text)
    started = time.perf_counter()
    document, problems = load_document(path, "doc")
    assert time.perf_counter() - started < 5
    assert document is not None, problems  # the body is fine: the document loads
    assert all(isinstance(str(p), str) for p in problems)


def test_yaml_bombs_deep_nesting_and_aliases_are_named(tmp_path: Path) -> None:
    """The attacks of the report, one file each, beside a good document."""
    bomb = _laughs(9, 9)
    cases = {
        "deep-front-matter.md": f"---\ntitle: {_deep_flow(1000)}\n---\n{BODY}",
        "deep-block.md": f"---\ncancerTypes:{_deep_block(1000)}\n---\n{BODY}",
        "laughs-title.md": f"---\n{hostile_yaml('title', bomb)}---\n{BODY}",
        "laughs-types.md": f"---\n{hostile_yaml('cancerTypes', bomb)}---\n{BODY}",
        "laughs-date.md": f"---\n{hostile_yaml('lastReviewed', bomb)}---\n{BODY}",
        "laughs-source.md": f"---\n{hostile_yaml('source', bomb)}---\n{BODY}",
    }
    for name, text in cases.items():
        write(tmp_path / name, text)
    write(tmp_path / "sidecar.md", GOOD)
    write(tmp_path / "sidecar.meta.yaml", hostile_yaml("title", bomb))
    write(tmp_path / "good.md", GOOD)
    started = time.perf_counter()
    library = load_library([tmp_path])
    assert time.perf_counter() - started < 10
    assert len(library.documents) == len(cases) + 2  # metadata ignored, text kept
    named = {p.path.name: p.message for p in library.errors}
    for name in ["deep-front-matter.md", "deep-block.md"]:
        assert "nested" in named[name] or "nesting" in named[name], named
    for name in [n for n in cases if n.startswith("laughs")] + ["sidecar.meta.yaml"]:
        assert "alias" in named[name], named


def test_our_own_yaml_resources_refuse_aliases_and_depth(tmp_path: Path) -> None:
    from index.yamlfile import read_yaml

    problems: list = []  # type: ignore[type-arg]
    assert read_yaml(write(tmp_path / "a.yaml", _laughs(9, 9)), problems) is None
    assert read_yaml(write(tmp_path / "b.yaml", "x: " + _deep_flow(5000)), problems) is None
    assert read_yaml(write(tmp_path / "c.yaml", "x: [1, 2]"), problems) == {"x": [1, 2]}
    assert len(problems) == 2 and "alias" in problems[0].message


# -- hostile Markdown and text --------------------------------------------------------

markdown_pieces = st.sampled_from(
    ["# ", "## ", "###### ", "- ", "1. ", "> ", "```", "~~~", "|", "---", "***", "*", "_",
     "[", "](", ")", "<", ">", "![", "\\", "`", "    ", "\t", "\n", "\n\n", "word ", "\x00",
     "\ufeff", "\r", "\u202e", "&amp;", "&#0;", "---\ntitle: x\n", "..."]
)  # fmt: skip
hostile_text = st.one_of(
    st.lists(markdown_pieces, max_size=300).map("".join),
    st.text(max_size=500),
    st.binary(max_size=500).map(lambda b: b.decode("latin-1")),
)


@FUZZ
@given(text=hostile_text, suffix=st.sampled_from([".md", ".txt"]))
def test_any_markdown_or_text_loads_or_is_a_problem(scratch: Path, text: str, suffix: str) -> None:
    folder = fresh(scratch)
    path = folder / f"doc{suffix}"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    document, problems = load_document(path, "doc")
    if document is None:
        assert problems and all(p.path == path for p in problems)
    else:
        assert document.sections and len({s.id for s in document.sections}) == len(
            document.sections
        )


# -- folder trees ---------------------------------------------------------------------

ENTRY_KINDS = [
    "good", "bad", "fifo", "socket", "dev-zero", "dev-urandom", "dev-null", "to-root",
    "to-proc", "to-parent", "outside-file", "dangling", "odd-name", "big", "empty",
]  # fmt: skip


def make_entry(root: Path, folder: Path, kind: str, n: int, outside: Path) -> str | None:
    """Make one entry; return the id of a good document it adds, if any."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"e{n}"
    path = folder / f"{stem}.md"
    rel = folder.relative_to(root) / stem
    if kind == "good":
        write(path, GOOD)
        return rel.as_posix()
    if kind == "bad":
        write(path, b"\x00\x01\x02" * 100)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        try:
            sock.bind(str(path))
        except OSError:  # a path too long for a socket: a FIFO instead
            os.mkfifo(path)
        finally:
            sock.close()
    elif kind in ("dev-zero", "dev-urandom", "dev-null"):
        os.symlink("/dev/" + kind[4:], path)
    elif kind == "to-root":
        os.symlink("/", folder / stem)
    elif kind == "to-proc":
        os.symlink("/proc", folder / stem)
    elif kind == "to-parent":
        os.symlink("..", folder / stem)
    elif kind == "outside-file":
        os.symlink(outside / "secret.md", path)
    elif kind == "dangling":
        os.symlink(folder / "nowhere.md", path)
    elif kind == "odd-name":
        name = os.fsdecode(b"odd\xff\xfe" + str(n).encode() + b".md")
        write(folder / name, GOOD)
        return (folder.relative_to(root) / f"odd\\xff\\xfe{n}").as_posix()
    elif kind == "big":
        with path.open("wb") as f:
            f.truncate(6 * 1024 * 1024)  # sparse: over the limit, costs no disk
    elif kind == "empty":
        write(path, "")
    return None


@FUZZ
@given(
    entries=st.lists(
        st.tuples(st.lists(st.sampled_from("abc"), max_size=4), st.sampled_from(ENTRY_KINDS)),
        min_size=1,
        max_size=14,
    )
)
def test_any_folder_tree_gives_every_good_document(
    scratch: Path, entries: list[tuple[list[str], str]]
) -> None:
    base = fresh(scratch)
    root, outside = base / "lib", base / "outside"
    write(outside / "secret.md", GOOD.replace("Good document", "Secret"))
    root.mkdir()
    good = set()
    for n, (parts, kind) in enumerate(entries):
        doc = make_entry(root, root.joinpath(*parts), kind, n, outside)
        if doc:
            good.add(doc)
    started = time.perf_counter()
    library = load_library([root])
    assert time.perf_counter() - started < 10
    assert {d.id for d in library.documents} == good
    assert all("Secret" not in d.title for d in library.documents)
    named = {p.path.name for p in library.problems}
    for n, (_, kind) in enumerate(entries):
        if kind in ("bad", "fifo", "socket", "dev-zero", "dev-urandom", "dev-null", "big"):
            assert f"e{n}.md" in named, (kind, library.problems)


def test_a_folder_tree_1500_deep_is_cut_and_the_rest_loads(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write(root / "top.md", GOOD)
    deep = root.joinpath(*["d"] * 1500)
    subprocess.run(["mkdir", "-p", str(deep)], check=True)  # os.makedirs would recurse
    write(deep / "bottom.md", GOOD)
    try:
        library = load_library([root])
        assert [d.id for d in library.documents] == ["top"]
        assert any(f"more than {MAX_FOLDER_DEPTH} levels" in p.message for p in library.problems)
        session = open_session([root], bundled=False, index_dir=tmp_path / "ix", use_snapshot=True)
        assert len(session.watch_list()) > MAX_FOLDER_DEPTH  # the watcher's walk is bounded too
    finally:  # pytest's own clean-up (shutil.rmtree) would recurse
        subprocess.run(["rm", "-rf", str(root / "d")], check=True)


def test_special_files_are_never_opened(tmp_path: Path) -> None:
    """A FIFO with no writer would block any open() for reading: it must not be opened."""
    write(tmp_path / "good.md", GOOD)
    os.mkfifo(tmp_path / "pipe.md")
    os.mkfifo(tmp_path / "pipe.meta.yaml")  # a sidecar that is a pipe, beside a good document
    write(tmp_path / "pipe2.md", GOOD)
    os.replace(tmp_path / "pipe.meta.yaml", tmp_path / "pipe2.meta.yaml")
    started = time.perf_counter()
    library = load_library([tmp_path])
    assert time.perf_counter() - started < 5
    assert sorted(d.id for d in library.documents) == ["good", "pipe2"]
    messages = {p.path.name: p.message for p in library.problems}
    assert "named pipe" in messages["pipe.md"] and "named pipe" in messages["pipe2.meta.yaml"]


# -- the command line, with a name that is not UTF-8 -----------------------------------


def test_commands_print_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    write(lib / os.fsdecode(b"caf\xe9 notes.md"), GOOD)
    write(lib / os.fsdecode(b"bad\xff.md"), "---\ntitle: [\n---\n" + BODY)
    script = (
        "import sys\nfrom desktop.main import main\n"
        f"common = ['--no-bundled', '--library', {str(lib)!r}, '--index-dir', {str(tmp_path / 'ix')!r}]\n"  # noqa: E501
        "codes = [main(['list'] + common), main(['search', 'stomach'] + common),\n"
        "         main(['check'] + common), main(['list', '--json'] + common)]\n"
        "print('codes', codes)\n"
    )
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict", LC_ALL="C.UTF-8")
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, timeout=120
    )
    out = done.stdout.decode("utf-8")
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr.decode()
    assert "codes [0, 0, 1, 0]" in out
    assert out.count("caf\\xe9 notes") >= 2  # list and search name it, escaped
    assert '"doc": "caf\\\\xe9 notes"' in out  # and so does JSON (a backslash escaped)
    assert "bad\\udcff.md" in out or "bad\\xff.md" in out  # check names the bad one


# -- damaged caches -------------------------------------------------------------------

QUERIES = ["cancer", "surgery treatment", "stomach", "chemotherapy side effects"]


def clinic_library(folder: Path) -> Path:
    """A small clinic folder: the bundled documents under other names, and more."""
    bundled = ROOT / "resources" / "library"
    for source in sorted(bundled.iterdir()):
        if source.suffix in (".md", ".txt", ".yaml"):
            shutil.copy(source, folder / source.name)
    return folder


def results(session) -> list[list[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    return [[(h.doc, h.section) for h in session.search(q, prefix=False).hits] for q in QUERIES]


_PRISTINE: dict[str, object] = {}


def pristine(base: Path) -> tuple[Path, Path, list[list[tuple[str, str]]]]:
    """A clinic folder with its index and snapshot, built once for the whole module."""
    if not _PRISTINE:
        folder = Path(tempfile.mkdtemp(prefix="oncoref-pristine-"))
        lib = clinic_library(write(folder / "lib" / "x.txt", "").parent)
        (lib / "x.txt").unlink()
        session = open_session([lib], bundled=False, index_dir=folder / "ix", use_snapshot=True)
        expected = results(session)
        assert all(expected)
        session.save_snapshot()
        session.close()
        _PRISTINE.update(folder=folder, lib=lib, expected=expected)
    folder = Path(_PRISTINE["folder"])  # type: ignore[arg-type]
    ix = fresh(base) / "ix"
    shutil.copytree(folder / "ix", ix)
    shutil.copy(snapshot_path(folder / "ix"), snapshot_path(ix))
    return Path(_PRISTINE["lib"]), ix, _PRISTINE["expected"]  # type: ignore[arg-type,return-value]


def damage(path: Path, how: str, where: float, junk: bytes) -> None:
    data = path.read_bytes()
    at = int(len(data) * where)
    if how == "truncate":
        path.write_bytes(data[:at])
    elif how == "overwrite":
        path.write_bytes(data[:at] + junk + data[at + len(junk) :])
    elif how == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(junk * 50)


@pytest.fixture
def collected_after() -> Iterator[None]:
    """Collects once the test is over, teardown included."""
    yield
    gc.collect()


# Whoosh leaves the files of a damaged index open when it cannot read them (once: the
# index is then rebuilt); Python warns of it when the file is collected, which is made
# to happen here rather than in whichever test runs next. Each example collects; so
# does the test's teardown, for the files that the warnings' own tracebacks held
# (pytest keeps those until the test's call is over).
@pytest.mark.usefixtures("collected_after")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@settings(FUZZ, max_examples=12)
@given(
    pick=st.floats(0, 1, exclude_max=True),
    how=st.sampled_from(["truncate", "overwrite", "empty", "replace"]),
    where=st.floats(0, 1),
    junk=st.binary(min_size=1, max_size=64),
)
def test_a_damaged_index_manifest_or_snapshot_is_rebuilt_silently(
    scratch: Path, pick: float, how: str, where: float, junk: bytes
) -> None:
    lib, ix, expected = pristine(scratch)
    files = [*sorted(p for p in ix.iterdir() if p.is_file()), snapshot_path(ix)]
    target = files[int(pick * len(files))]
    damage(target, how, where, junk)
    session = open_session([lib], bundled=False, index_dir=ix, use_snapshot=True)
    try:
        assert results(session) == expected, target.name
    finally:
        session.close()
        gc.collect()


# -- killed and concurrent runs ---------------------------------------------------------


def oncoref(*args: str, **kwargs) -> subprocess.Popen[bytes]:  # type: ignore[no-untyped-def]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


def test_indexing_killed_at_random_points_then_gives_the_clean_results(tmp_path: Path) -> None:
    """Twenty runs of `oncoref index` killed after a random delay (five chains of four,
    side by side), with documents changing between runs; the next run must recover."""
    lib0, _, _ = pristine(tmp_path)
    rng = random.Random(21)
    chains = []
    for n in range(5):
        lib = tmp_path / f"lib{n}"
        shutil.copytree(lib0, lib)
        chains.append((lib, tmp_path / f"ix{n}"))
    # How long one whole run takes here: every kill then falls inside a run.
    started = time.monotonic()
    whole = oncoref(
        "index", "--no-bundled", "--library", str(lib0), "--index-dir", str(tmp_path / "t")
    )
    whole.communicate()
    span = time.monotonic() - started
    kills = 0
    for round_ in range(4):
        running = []
        for lib, ix in chains:
            if round_ % 2:  # change a document, so that the run updates rather than builds
                doc = lib / "acs-treating-gist.txt"
                doc.write_text(doc.read_text() + f"\nNote {round_}.\n")
            args = ["index", "--no-bundled", "--library", str(lib), "--index-dir", str(ix)]
            if round_ == 2:
                args.append("--rebuild")
            running.append((oncoref(*args), rng.uniform(0.1, 0.8) * span))
        started = time.monotonic()
        for process, delay in running:
            time.sleep(max(0.0, started + delay - time.monotonic()))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            _, err = process.communicate()
            assert b"Traceback" not in err, err.decode()
    assert kills >= 15  # most were killed mid-way; the others finished
    clean = open_session([chains[0][0]], bundled=False, index_dir=tmp_path / "clean")
    expected = results(clean)  # every chain's folder holds the same documents by now
    clean.close()
    for lib, ix in chains:
        after = open_session([lib], bundled=False, index_dir=ix)
        try:
            assert results(after) == expected
        finally:
            after.close()


def test_two_programs_index_and_search_one_cache_at_once(tmp_path: Path) -> None:
    lib, _, expected = pristine(tmp_path)
    ix = tmp_path / "shared-ix"
    common = ["--no-bundled", "--library", str(lib), "--index-dir", str(ix)]
    for round_ in range(1):
        runs = [
            oncoref("index", "--rebuild", *common),
            oncoref("search", "cancer", "--json", "--limit", "40", *common),
            oncoref("index", *common),
            oncoref("search", "cancer", "--json", "--limit", "40", *common),
        ]
        outputs = [p.communicate(timeout=120) for p in runs]
        for process, (_, err) in zip(runs, outputs, strict=True):
            assert process.returncode == 0 and b"Traceback" not in err, err.decode()
        for i in (1, 3):  # both searches found what a search of a clean build finds
            hits = json.loads(outputs[i][0])["hits"]
            assert [(h["doc"], h["section"]) for h in hits] == expected[0], round_


# -- pathological but legal documents -------------------------------------------------

SIZE = 40_000


def _ordinary() -> str:
    """A real document of the bundled library, repeated to SIZE."""
    text = (ROOT / "resources/library/nci-small-intestine-cancer-treatment.md").read_text()
    body = split_front_matter(text)[1]
    return (body * (SIZE // len(body) + 1))[:SIZE]


PATHOLOGICAL = {
    "12,000 headings": lambda: "".join(f"{'#' * (1 + i % 6)} {i}\n" for i in range(12_000)),
    "headings with a word each": lambda: "".join(
        f"## Heading {i}\n\nword {i}\n\n" for i in range(SIZE // 25)
    ),
    "one huge paragraph": lambda: "# One\n\n" + "Chemotherapy kills cancer cells. " * (SIZE // 33),
    "thousands of lists": lambda: (
        "# Lists\n\n" + "".join(f"- item {i}\n\n1. x\n\n" for i in range(SIZE // 18))
    ),
    "nested quotes": lambda: (
        "# Q\n\n" + "".join("> " * (i % 30 + 1) + f"q{i}\n\n" for i in range(SIZE // 40))
    ),
}


def _seconds_per_byte(folder: Path, text: str) -> float:
    lib = write(folder / "lib" / "doc.md", text).parent
    started = time.perf_counter()
    session = open_session([lib], bundled=False, index_dir=folder / "ix")
    for query in ("cancer cells", "heading item", "word"):
        session.search(query)
    assert session.library.documents, session.library.problems
    session.close()
    return (time.perf_counter() - started) / len(text)


def test_pathological_documents_take_a_small_multiple_of_an_ordinary_one(tmp_path: Path) -> None:
    """Reading, indexing and searching each costs at most a few times what a real
    document of the same size does (measured side by side, so a slow machine is fair)."""
    ordinary = min(_seconds_per_byte(fresh(tmp_path), _ordinary()) for _ in range(2))
    ratios = {}
    for name, make in PATHOLOGICAL.items():
        text = make()  # the best of two, as for the ordinary one: a busy machine is fair
        best = min(_seconds_per_byte(fresh(tmp_path), text) for _ in range(2))
        ratios[name] = best / ordinary
    print("time against an ordinary document:", {k: round(v, 1) for k, v in ratios.items()})
    assert max(ratios.values()) < 12, ratios


# -- a hostile clinic folder, all at once -------------------------------------------


def hostile_clinic(root: Path) -> tuple[set[str], set[str]]:
    """Every kind of bad file beside good ones; returns (good ids, bad file names)."""
    good: set[str] = set()
    bad: set[str] = set()
    outside = root.parent / "outside"
    write(outside / "secret.md", GOOD.replace("Good document", "Secret"))
    for n, kind in enumerate(ENTRY_KINDS):
        doc = make_entry(root, root / f"k{n}", kind, n, outside)
        if doc:
            good.add(doc)
        elif kind in ("bad", "fifo", "socket", "dev-zero", "dev-urandom", "dev-null", "big"):
            bad.add(f"e{n}.md")
    bomb = _laughs(9, 9)
    for name, text in {
        "deep-yaml.md": f"---\ntitle: {_deep_flow(1000)}\n---\n{BODY}",
        "laughs.md": f"---\n{hostile_yaml('title', bomb)}---\n{BODY}",
        "headings.md": PATHOLOGICAL["12,000 headings"](),
        "paragraph.md": PATHOLOGICAL["one huge paragraph"](),
        "lists.md": PATHOLOGICAL["thousands of lists"](),
    }.items():
        write(root / name, text)
        good.add(name[:-3])
    bad |= {"deep-yaml.md", "laughs.md"}  # loaded, but their metadata is an error
    deep = root
    for _ in range(300):
        deep = deep / "d"
    os.makedirs(deep)  # 300 deep: over the limit, and shallow enough for shutil.rmtree
    write(deep / "lost.md", GOOD)
    for n in range(3):
        write(root / f"good{n}.md", GOOD)
        good.add(f"good{n}")
    return good, bad


def test_a_hostile_clinic_folder_still_gives_every_good_document(tmp_path: Path) -> None:
    root = tmp_path / "clinic"
    root.mkdir()
    good, bad = hostile_clinic(root)
    script = f"""
import json, resource, sys, time
from index.session import Session, open_session
started = time.perf_counter()
session = open_session([{str(root)!r}], bundled=False, index_dir={str(tmp_path / "ix")!r})
hits = session.search("stomach cancer", limit=200).hits
reloaded = session.reload()
import contextlib, io
from index.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(["check", "--no-bundled", "--library", {str(root)!r}])
print(json.dumps({{
    "check": code,
    "check_output": out.getvalue(),
    "docs": sorted(d.id for d in session.library.documents),
    "reloaded": sorted(d.id for d in reloaded.library.documents),
    "found": sorted({{h.doc for h in hits}}),
    "errors": sorted({{p.path.name for p in session.library.errors}}),
    "seconds": time.perf_counter() - started,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}}, ensure_ascii=True))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout.splitlines()[-1])
    assert set(report["docs"]) == good == set(report["reloaded"])
    assert {f"good{n}" for n in range(3)} <= set(report["found"])
    assert bad <= set(report["errors"])
    print(f"hostile clinic: {report['seconds']:.1f} s, peak {report['peak_mb']:.0f} MB")
    assert report["seconds"] < 60 and report["peak_mb"] < 500, report
    assert report["check"] == 1
    for name in bad:
        assert name in report["check_output"], name


# -- a clinic folder that goes away while it is watched -----------------------------


def test_a_folder_deleted_or_unreadable_during_a_reload_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.library as library_module

    going, staying = tmp_path / "going", tmp_path / "staying"
    for n in range(5):
        write(going / "sub" / f"g{n}.md", GOOD)
        write(staying / f"s{n}.md", GOOD)
    session = open_session([going, staying], bundled=False, index_dir=tmp_path / "ix")
    assert len(session.library.documents) == 10
    real_read = library_module.read_bounded

    def read_then_delete(path: Path, *args, **kwargs) -> bytes:  # type: ignore[no-untyped-def]
        data = real_read(path, *args, **kwargs)
        if going.exists() and path.is_relative_to(going):
            shutil.rmtree(going)  # gone after its first document was read
        return data

    monkeypatch.setattr(library_module, "read_bounded", read_then_delete)
    for n in range(5):  # changed, so that the reload reads them again
        write(going / "sub" / f"g{n}.md", GOOD + "\nMore text.\n")
    session = session.reload()
    ids = sorted(d.id for d in session.library.documents)
    assert ids == ["s0", "s1", "s2", "s3", "s4", "sub/g0"]
    assert any("g1.md" in str(p.path) for p in session.library.problems)
    watch = session.watch_list()  # the one gone and the folder above, to see it come back
    assert watch == [
        str(going),
        str(tmp_path),
        str(staying),
        *(str(staying / f"s{n}.md") for n in range(5)),
    ]
    assert session.search("stomach").hits
    session.close()  # its index's files, before the session is replaced

    real_scandir = os.scandir

    def unreadable(path):  # type: ignore[no-untyped-def]  # tests run as root: chmod would not do
        if Path(path) == staying:
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", unreadable)
    session = session.reload()
    assert session.library.documents == []
    assert any(
        p.path == staying and "Permission denied" in p.message for p in session.library.problems
    )
    assert any(p.path == going and "not found" in p.message for p in session.library.problems)
    assert session.search("stomach").hits == []


# -- beyond the report: queries, and names that are folders -------------------------


@FUZZ
@given(
    query=st.one_of(
        st.text(max_size=300),
        st.lists(st.sampled_from(['"', "-", "*", "?", "(", ")", "AND", "NOT", "near", "chemo",
                                  "stomach", "\\", ":", "~", "^", "'", "’", "\x00", " "]),
                 max_size=60).map("".join),
    ),
    types=st.lists(st.text(max_size=20), max_size=3),
)  # fmt: skip
def test_any_query_answers_without_an_error(
    query_session: Session, query: str, types: list[str]
) -> None:
    result = query_session.search(query, types=types)
    assert result.query == query and isinstance(result.hits, list)


@pytest.fixture(scope="module")
def query_session() -> Iterator[Session]:
    base = Path(tempfile.mkdtemp(prefix="oncoref-queries-"))
    lib, ix, _ = pristine(base)
    session = open_session([lib], bundled=False, index_dir=ix)
    yield session
    session.close()
    shutil.rmtree(base, ignore_errors=True)


def test_a_folder_named_like_a_document_or_sidecar(tmp_path: Path) -> None:
    write(tmp_path / "good.md", GOOD)
    write(tmp_path / "good.meta.yaml" / "inside.md", GOOD)  # a folder where a sidecar goes
    write(tmp_path / "looks-like.md" / "real.md", GOOD)  # a folder named like a document
    library = load_library([tmp_path])
    assert sorted(d.id for d in library.documents) == [
        "good",
        "good.meta.yaml/inside",
        "looks-like.md/real",
    ]
    assert any(
        p.path.name == "good.meta.yaml" and "not a regular file" in p.message
        for p in library.problems
    )


def test_check_of_named_paths_reports_special_and_hostile_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    deep = write(tmp_path / "deep.md", f"---\ntitle: {_deep_flow(3000)}\n---\n{BODY}")
    script = (
        "import sys\nfrom index.cli import main\n"
        f"sys.exit(main(['check', {str(tmp_path / 'pipe.md')!r}, {str(deep)!r}]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=60)
    out = done.stdout.decode()
    assert done.returncode == 1 and b"Traceback" not in done.stderr, done.stderr.decode()
    assert "pipe.md: error: not a regular file" in out
    assert "deep.md:2: error: metadata is not valid YAML: exceeded maximum nesting" in out
    assert "1 documents read; 2 errors" in out
