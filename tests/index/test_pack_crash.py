"""A pack install killed at any moment leaves the old library or the new one, whole.

The install runs in a child process that is killed (SIGKILL, as a power cut
would stop it) at random points spread over the whole install; each time the
library must load as exactly one of the two versions, and the next install
must work.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import signal
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from index.library import load_library
from index.packs import PackStore, installed_packs
from index.paths import data_dir
from index.session import open_session
from tests.index.packs_helpers import document, make_key, make_pack

TURNS = 28  # kill points spread over the install and a little past it: most land in it

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


# The child stops just before or just after one of the install's steps on disk
# (each file flushed, each rename, each folder removed) and the test kills it
# there: between two such steps nothing on disk changes, so these are all the
# moments a crash can hit.
# Children come from a fork server that has imported the installer once: a fresh
# Python for each kill would make this test take several times as long.
def _child(pack: str, data: str, system: str, kill_at: int, pipe: Connection) -> None:
    os.environ["ONCOREF_DATA_DIR"], os.environ["ONCOREF_SYSTEM_DATA_DIR"] = data, system
    points = 0

    def halt() -> None:
        """Wait here for the test to kill this process."""
        pipe.send("halted")
        time.sleep(60)

    def counted(call: Callable[..., object]) -> Callable[..., object]:
        def step(*args: object, **kwargs: object) -> object:
            nonlocal points
            if points == kill_at:
                halt()
            # A killed process loses nothing the kernel has been given, so the flushes
            # to disk (which only a power cut needs) are counted, not waited for.
            result = None if call is fsync else call(*args, **kwargs)
            points += 1
            if points == kill_at:
                halt()
            points += 1
            return result

        return step

    fsync = os.fsync
    os.fsync = counted(os.fsync)  # type: ignore[assignment]
    os.replace = counted(os.replace)  # type: ignore[assignment]
    os.rename = counted(os.rename)  # type: ignore[assignment]
    shutil.rmtree = counted(shutil.rmtree)  # type: ignore[assignment]
    pipe.send("ready")
    PackStore.user().install(Path(pack), allow_downgrade=True)
    pipe.send(points)


def _install_in_child(pack: Path, kill_at: int = -1) -> tuple[int, int]:
    """The child's exit code (-9 when killed) and how many points its install passed."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["index.packs", "nacl.signing", "yaml", "zipfile", __name__])
    ours, theirs = context.Pipe()
    system = os.environ["ONCOREF_SYSTEM_DATA_DIR"]
    child = context.Process(
        target=_child, args=(str(pack), str(data_dir()), system, kill_at, theirs)
    )
    child.start()
    points = 0
    try:
        assert ours.poll(30) and ours.recv() == "ready"
        assert ours.poll(30), "the install neither finished nor stopped"
        said = ours.recv()
        if said == "halted":
            child.kill()  # SIGKILL
        else:
            points = said
        child.join(30)
    finally:
        ours.close()
        theirs.close()
    code = child.exitcode
    child.close()
    assert code is not None
    return code, points


def _library_version() -> int:
    """The version the library shows, checked document by document (read as a session
    reads it: the installed packs, then their folders with the library's loader)."""
    packs, problems = installed_packs()
    assert problems == [] and len(packs) == 1
    library = load_library([packs[0].root], packs=packs)
    assert library.problems == []
    docs = {d.id: d for d in library.documents}
    versions = {d.pack.version for d in docs.values() if d.pack is not None}
    assert versions == {packs[0].current.version}, f"a mix of versions: {versions}"
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
    code, points = _install_in_child(packs[2])  # all the way: how many points there are
    assert code == 0 and points > 10
    assert _library_version() == 2

    chance = random.Random(18)
    outcomes = {"old": 0, "new": 0}
    killed = 0
    version = 2
    for turn in range(TURNS):
        target = 3 - version
        # Tidying what an earlier kill left adds a few points, hence a little past the end.
        point = int((turn + chance.random()) * (points + 4) / TURNS)
        code, _ = _install_in_child(packs[target], point)
        killed += code == -signal.SIGKILL
        now = _library_version()
        assert now in (version, target)
        outcomes["new" if now == target else "old"] += 1
        version = now
    assert killed >= 20, f"only {killed} installs were killed before they ended"
    assert outcomes["old"] >= 3 and outcomes["new"] >= 3, outcomes

    # What a killed install left behind is tidied by the next one, which works.
    PackStore.user().install(packs[3 - version], allow_downgrade=True)
    assert _library_version() == 3 - version
    session = open_session(bundled=False)  # and the window's way of reading it agrees
    assert session.problems == [] and len(session.library.documents) == 3
    kept = sorted(p.name for p in (data_dir() / "packs" / "riverside.handouts").iterdir())
    assert len(kept) == 2 and not [k for k in kept if k.startswith(".incoming")]
