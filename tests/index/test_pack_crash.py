"""A pack install killed at any moment leaves the old library or the new one, whole.

The install runs in a child process that is killed (SIGKILL, as a power cut
would stop it) at points spread over the whole install; each time the library
must load as exactly one of the two versions, and the next install must work.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from index.packs import PackStore
from index.paths import data_dir
from index.session import open_session
from tests.index.packs_helpers import document, make_key, make_pack

KILLS = 24

V1 = {
    "gist/diet.md": document("Eating after GIST surgery", "Try zebrafruit."),
    "gist/exercise.md": document("Moving after surgery", "Walk every day."),
    "gist/sleep.md": document("Sleeping well", "Keep a routine."),
}
V2 = {
    "gist/diet.md": document("Eating well after GIST surgery", "Try starfruit."),
    "gist/sleep.md": document("Sleeping well", "Keep a routine."),
    "gist/new.md": document("Questions to ask", "Write them down."),
}
# What a reader sees of each version: document id -> a word only that version has.
SEEN = {
    1: {"gist/diet": "zebrafruit", "gist/exercise": "Walk", "gist/sleep": "routine"},
    2: {"gist/diet": "starfruit", "gist/new": "Write", "gist/sleep": "routine"},
}


# The child slows each flush to disk and each rename a little, as a slow USB disk
# or a busy computer would, so that kills land throughout the install. Children
# come from a fork server that has imported the installer once: a fresh Python
# for each of the kills would make this test take several times as long.
def _child(pack: str, data: str, system: str, pipe: Connection) -> None:
    os.environ["ONCOREF_DATA_DIR"], os.environ["ONCOREF_SYSTEM_DATA_DIR"] = data, system
    fsync, replace, rename = os.fsync, os.replace, os.rename

    def slow_fsync(fd: int) -> None:
        fsync(fd)
        time.sleep(0.002)

    def slow_replace(a: str, b: str) -> None:
        replace(a, b)
        time.sleep(0.006)

    def slow_rename(a: str, b: str) -> None:
        rename(a, b)
        time.sleep(0.002)

    os.fsync, os.replace, os.rename = slow_fsync, slow_replace, slow_rename  # type: ignore[assignment]
    pipe.send("ready")
    started = time.perf_counter()
    PackStore.user().install(Path(pack), allow_downgrade=True)
    pipe.send(time.perf_counter() - started)


def _install_in_child(pack: Path, kill_after: float | None) -> tuple[int, float]:
    """The child's exit code (-9 when killed) and how long its install took."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["index.packs", "nacl.signing", "yaml", "zipfile", __name__])
    ours, theirs = context.Pipe()
    child = context.Process(
        target=_child,
        args=(str(pack), str(data_dir()), os.environ["ONCOREF_SYSTEM_DATA_DIR"], theirs),
    )
    child.start()
    took = 0.0
    try:
        assert ours.poll(30) and ours.recv() == "ready"
        if kill_after is not None:
            time.sleep(kill_after)
            child.kill()
        child.join(30)
        if ours.poll():
            took = ours.recv()
    finally:
        ours.close()
        theirs.close()
    code = child.exitcode
    child.close()
    assert code is not None
    return code, took


def _library_version() -> int:
    """The version the library shows, checked document by document."""
    session = open_session(bundled=False)
    assert session.problems == []
    docs = {d.id: d for d in session.library.documents}
    versions = {d.pack.version for d in docs.values() if d.pack is not None}
    assert len(versions) == 1, f"a mix of versions: {versions}"
    version = versions.pop()
    assert set(docs) == set(SEEN[version])
    for doc_id, word in SEEN[version].items():
        assert word in docs[doc_id].sections[0].text
    return version


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_an_install_killed_at_any_moment_leaves_old_or_new_never_a_mix(tmp_path: Path) -> None:
    key = make_key(tmp_path / "keys")
    packs = {1: make_pack(tmp_path, key, V1, version=1), 2: make_pack(tmp_path, key, V2, version=2)}
    PackStore.user().install(packs[1])
    assert _install_in_child(packs[2], None)[0] == 0
    assert _library_version() == 2
    code, span = _install_in_child(packs[1], None)  # how long one takes, to spread the kills
    assert code == 0 and span > 0
    assert _library_version() == 1

    chance = random.Random(18)
    outcomes: dict[str, int] = {"old": 0, "new": 0}
    killed = 0
    version = 1
    for turn in range(KILLS):
        target = 3 - version
        code, _ = _install_in_child(packs[target], span * (turn + chance.random()) / KILLS)
        killed += code == -signal.SIGKILL
        now = _library_version()
        assert now in (version, target)
        outcomes["new" if now == target else "old"] += 1
        version = now
    assert killed >= 20, f"only {killed} installs were killed before they ended"
    assert outcomes["old"] and outcomes["new"], outcomes

    # What a killed install left behind is tidied by the next one, which works.
    PackStore.user().install(packs[3 - version], allow_downgrade=True)
    assert _library_version() == 3 - version
    kept = sorted(p.name for p in (data_dir() / "packs" / "riverside.handouts").iterdir())
    assert len(kept) == 2 and not [k for k in kept if k.startswith(".incoming")]
