"""Library packs: what a clinic's IT person sees when installing signed updates, and
every pack the installer must refuse without changing anything."""

from __future__ import annotations

import hashlib
import json
import stat
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from index import cli, packs
from index.packs import PackError, PackStore, build_pack, trust_key, verify_pack
from index.paths import data_dir
from index.render.document import header_html
from index.session import open_session
from tests.conftest import write
from tests.index.packs_helpers import (
    CONTENT,
    craft,
    document,
    entry,
    listed,
    make_folder,
    make_key,
    make_pack,
    read_pack,
)

DOCS = {
    "gist/diet.md": document("Eating after GIST surgery", "Small meals help. Try zebrafruit."),
    "gist/exercise.md": document("Moving after surgery", "Walk a little every day."),
    "gist/money.txt": "Help with costs\n\nAsk the clinic about travel grants.\n",
    "gist/money.meta.yaml": "title: Help with costs\nlicense: CC0\nsource: Riverside\n",
}


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return make_key(tmp_path / "keys")


@pytest.fixture
def v1(tmp_path: Path, key: Path) -> Path:
    return make_pack(tmp_path, key, DOCS)


def run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.run(cli.parse(list(argv)))
    out, err = capsys.readouterr()
    return code, out, err


def docs_of(*argv: str, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    code, out, _ = run("list", "--json", *argv, capsys=capsys)
    assert code == 0
    return {row["doc"]: row["title"] for row in json.loads(out)}


def tree(folder: Path) -> dict[str, str]:
    """Every file below `folder` and a hash of its bytes: to see that nothing changed."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "folder"
        for p in sorted(folder.rglob("*"))
    }


# -- the round trip a clinic makes ------------------------------------------------------


def test_build_install_update_and_roll_back_as_the_clinic_does(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_folder(tmp_path / "handouts", DOCS, id="riverside.handouts", version=1)
    code, out, _ = run(
        "pack", "build", str(folder), "-o", str(tmp_path / "v1.oncopack"), "--key", str(key),
        "--as-of", "2026-11-01", capsys=capsys,
    )  # fmt: skip
    assert code == 0 and "3 documents" in out

    code, out, _ = run("pack", "verify", str(tmp_path / "v1.oncopack"), capsys=capsys)
    assert code == 0 and "Riverside Cancer Centre" in out and "trusted" in out

    code, out, _ = run("pack", "install", str(tmp_path / "v1.oncopack"), capsys=capsys)
    assert code == 0 and "3 documents added" in out
    listed_docs = docs_of(capsys=capsys)
    assert listed_docs["gist/diet"] == "Eating after GIST surgery"
    assert {"gist/exercise", "gist/money"} <= set(listed_docs)
    code, out, _ = run("search", "zebrafruit", "--json", capsys=capsys)
    assert [h["doc"] for h in json.loads(out)["hits"]] == ["gist/diet"]

    # Version 2 changes one document and withdraws another.
    v2_docs = {k: v for k, v in DOCS.items() if not k.startswith("gist/exercise")}
    v2_docs["gist/diet.md"] = document("Eating well after GIST surgery", "Try starfruit instead.")
    folder2 = make_folder(tmp_path / "handouts2", v2_docs, id="riverside.handouts", version=2)
    build_pack(folder2, tmp_path / "v2.oncopack", key, removes=["gist/exercise"])
    code, out, _ = run("pack", "install", str(tmp_path / "v2.oncopack"), capsys=capsys)
    assert code == 0
    assert "1 document changed: gist/diet" in out and "1 document removed: gist/exercise" in out
    listed_docs = docs_of(capsys=capsys)
    assert listed_docs["gist/diet"] == "Eating well after GIST surgery"
    assert "gist/exercise" not in listed_docs
    code, out, _ = run("search", "zebrafruit", "--json", capsys=capsys)
    assert json.loads(out)["hits"] == []
    code, out, _ = run("search", "starfruit", "--json", capsys=capsys)
    assert [h["doc"] for h in json.loads(out)["hits"]] == ["gist/diet"]

    code, out, _ = run("pack", "list", capsys=capsys)
    assert "version 2" in out and "can roll back to version 1" in out

    code, out, _ = run("pack", "rollback", capsys=capsys)
    assert code == 0 and "back to version 1" in out
    listed_docs = docs_of(capsys=capsys)
    assert listed_docs["gist/diet"] == "Eating after GIST surgery"
    assert "gist/exercise" in listed_docs
    code, out, _ = run("search", "zebrafruit", "--json", capsys=capsys)
    assert [h["doc"] for h in json.loads(out)["hits"]] == ["gist/diet"]
    # Only the version in use is kept once rolled back.
    assert len(list((data_dir() / "packs" / "riverside.handouts").iterdir())) == 1


def test_a_pack_replaces_and_withdraws_bundled_documents_and_the_reader_says_so(
    tmp_path: Path, key: Path
) -> None:
    bundled = {d.id: d for d in open_session(packs=False).library.documents}
    replaced, withdrawn = "nci-small-intestine-cancer-treatment", "acs-treating-gist"
    assert replaced in bundled and withdrawn in bundled
    pack = make_pack(
        tmp_path,
        key,
        {f"{replaced}.md": document("Small intestine cancer treatment (2026)", "New text.")},
        id="oncoref.library",
        title="OncoRef library update",
        removes=f"[{withdrawn}]",
    )
    PackStore.user().install(pack)
    session = open_session()
    ids = [d.id for d in session.library.documents]
    assert ids.count(replaced) == 1 and withdrawn not in ids
    assert not [p for p in session.problems if "already has the id" in p.message]
    doc = session.library.get(replaced)
    assert doc is not None and doc.title == "Small intestine cancer treatment (2026)"
    header = header_html(doc)
    assert "OncoRef library update" in header and "version 1" in header
    assert "1 November 2026" in header
    assert session.library.get("ccs-recurrent-small-intestine-cancer").pack is None  # type: ignore[union-attr]


def test_an_older_version_is_refused_unless_asked(tmp_path: Path, key: Path, v1: Path) -> None:
    v2 = make_pack(tmp_path, key, DOCS, version=2)
    store = PackStore.user()
    store.install(v2)
    before = tree(store.root)
    with pytest.raises(PackError) as refused:
        store.install(v1)
    assert refused.value.reason == "older" and "older" in refused.value.message
    assert tree(store.root) == before
    with pytest.raises(PackError) as again:
        store.install(v2)
    assert again.value.reason == "installed"
    report = store.install(v1, allow_downgrade=True)
    assert report.installed.version == 1 and store.packs()["riverside.handouts"].previous


def test_a_pack_needing_a_newer_oncoref_is_refused(tmp_path: Path, key: Path) -> None:
    pack = make_pack(tmp_path, key, DOCS, min_oncoref="99.0")
    with pytest.raises(PackError) as refused:
        PackStore.user().install(pack)
    assert refused.value.reason == "needs-newer" and "99.0" in refused.value.message
    assert not (data_dir() / "packs").exists()


def test_system_install_where_not_allowed_says_it_needs_an_administrator(
    tmp_path: Path, key: Path, v1: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "system-data"
    real_mkdir = Path.mkdir

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        if self.is_relative_to(shared):  # as the computer's shared folder is to a user
            raise PermissionError(13, "Permission denied", str(self))
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(PackError) as refused:
        PackStore.system_wide().install(v1)
    assert refused.value.reason == "not-allowed"
    assert "administrator" in refused.value.message
    assert not shared.exists()


def test_a_system_pack_is_read_for_every_user(tmp_path: Path, key: Path, v1: Path) -> None:
    PackStore.system_wide().install(v1)
    session = open_session(bundled=False)
    doc = session.library.get("gist/diet")
    assert doc is not None and doc.pack is not None and doc.pack.version == 1


def test_remove_takes_a_pack_out_of_the_library(key: Path, v1: Path) -> None:
    store = PackStore.user()
    store.install(v1)
    assert open_session(bundled=False).library.get("gist/diet") is not None
    store.remove("riverside.handouts")
    assert open_session(bundled=False).library.documents == []
    assert not (store.root / "riverside.handouts").exists()
    with pytest.raises(PackError) as refused:
        store.rollback()
    assert refused.value.reason == "not-installed"


def test_keygen_keeps_the_private_key_where_asked_and_never_overwrites_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "usb" / "clinic.key"
    code, out, _ = run("pack", "keygen", "-o", str(target), "--name", "Riverside", capsys=capsys)
    assert code == 0 and out.startswith("oncoref-ed25519 ") and out.strip().endswith("Riverside")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not list(data_dir().rglob("*.key"))  # OncoRef kept no copy
    code, _, err = run("pack", "keygen", "-o", str(target), capsys=capsys)
    assert code == 6 and "never overwrites" in err
    code, out, _ = run("pack", "trust", out.strip(), capsys=capsys)
    assert code == 0 and "Riverside" in out


def test_installed_packs_cost_a_start_nothing_when_there_are_none() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, index.session as s; s.open_session(bundled=False);"
        "print(sorted(m for m in ('index.packs', 'nacl', 'zipfile') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# -- refused, with a clear message, and nothing changed -----------------------------------


Hostile = Callable[[Path, Path, Path], Path]  # (tmp, key, good pack) -> bad pack


def _bad_signature(tmp: Path, key: Path, good: Path) -> Path:
    manifest, files = read_pack(good)
    body = replace(manifest, title="Not what was signed").to_yaml()
    from index.packs import read_private_key, sign_manifest

    signature = sign_manifest(manifest.to_yaml(), read_private_key(key)[0])
    entries = [entry(CONTENT + n, d) for n, d in files.items()]
    return craft(tmp / "bad.oncopack", key, manifest, entries, body, signature)


def _unknown_key(tmp: Path, key: Path, good: Path) -> Path:
    stranger = make_key(tmp / "stranger", "Someone Else", trusted=False)
    return make_pack(tmp, stranger, DOCS, name="stranger")


def _hash_differs(tmp: Path, key: Path, good: Path) -> Path:
    manifest, files = read_pack(good)
    files["gist/diet.md"] = files["gist/diet.md"].replace(b"zebrafruit", b"ZEBRAFRUIT")
    entries = [entry(CONTENT + n, d) for n, d in files.items()]
    return craft(tmp / "bad.oncopack", key, manifest, entries)


def _size_differs(tmp: Path, key: Path, good: Path) -> Path:
    manifest, files = read_pack(good)
    files["gist/diet.md"] += b"\nOne more line the publisher never wrote.\n"
    entries = [entry(CONTENT + n, d) for n, d in files.items()]
    return craft(tmp / "bad.oncopack", key, manifest, entries)


def _file_not_in_manifest(tmp: Path, key: Path, good: Path) -> Path:
    manifest, files = read_pack(good)
    files["gist/extra.md"] = b"# Slipped in\n\nAfter signing.\n"
    entries = [entry(CONTENT + n, d) for n, d in files.items()]
    return craft(tmp / "bad.oncopack", key, manifest, entries)


def _manifest_file_not_in_zip(tmp: Path, key: Path, good: Path) -> Path:
    manifest, files = read_pack(good)
    del files["gist/exercise.md"]
    entries = [entry(CONTENT + n, d) for n, d in files.items()]
    return craft(tmp / "bad.oncopack", key, manifest, entries)


def _with_entry(name: str, data: bytes, mode: int = stat.S_IFREG | 0o644) -> Hostile:
    """A pack that also holds `name`, listed in its (signed) manifest where it can be."""

    def make(tmp: Path, key: Path, good: Path) -> Path:
        manifest, files = read_pack(good)
        entries = [entry(CONTENT + n, d) for n, d in files.items()]
        entries.append(entry(name, data, mode))
        if name.startswith(CONTENT) and ".." not in name:
            manifest = listed(manifest, name.removeprefix(CONTENT), data)
        return craft(tmp / "bad.oncopack", key, manifest, entries)

    return make


def _duplicate(tmp: Path, key: Path, good: Path) -> Path:
    manifest, files = read_pack(good)
    entries = [entry(CONTENT + n, d) for n, d in files.items()]
    entries.append(entry(CONTENT + "gist/diet.md", b"# Twin\n\nA second copy.\n"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it writes
        return craft(tmp / "bad.oncopack", key, manifest, entries)


def _unknown_format(tmp: Path, key: Path, good: Path) -> Path:
    manifest, files = read_pack(good)
    entries = [entry(CONTENT + n, d) for n, d in files.items()]
    body = manifest.to_yaml().replace(b"format: 1\n", b"format: 2\n", 1)
    from index.packs import read_private_key, sign_manifest

    signature = sign_manifest(body, read_private_key(key)[0])
    return craft(tmp / "bad.oncopack", key, manifest, entries, body, signature)


def _truncated(tmp: Path, key: Path, good: Path) -> Path:
    data = good.read_bytes()
    return write(tmp / "bad.oncopack", data[: len(data) * 2 // 3])


def _ratio_bomb(tmp: Path, key: Path, good: Path) -> Path:
    return _with_entry(CONTENT + "gist/bomb.md", b"#" + b" " * (4 * 1024 * 1024))(tmp, key, good)


def _too_big_file(tmp: Path, key: Path, good: Path) -> Path:
    import os

    data = b"# Big\n\n" + os.urandom(6 * 1024 * 1024).hex().encode()[: 6 * 1024 * 1024]
    return _with_entry(CONTENT + "gist/big.md", data)(tmp, key, good)


def _too_big_in_total(tmp: Path, key: Path, good: Path) -> Path:
    packs.MAX_TOTAL_BYTES = 1000  # restored by monkeypatch in the test
    return good


def _signed_as(tmp: Path, key: Path, good: Path, **changes: object) -> Path:
    """The good pack's files under a manifest changed as given, and signed."""
    manifest, files = read_pack(good)
    entries = [entry(CONTENT + n, d) for n, d in files.items()]
    return craft(tmp / "bad.oncopack", key, replace(manifest, **changes), entries)  # type: ignore[arg-type]


def _file_and_folder(tmp: Path, key: Path, good: Path) -> Path:
    manifest, files = read_pack(good)
    entries = [entry(CONTENT + n, d) for n, d in files.items()]
    entries.append(entry(CONTENT + "gist/diet.md/inside.md", b"# x\n\nx\n"))
    manifest = listed(manifest, "gist/diet.md/inside.md", b"# x\n\nx\n")
    return craft(tmp / "bad.oncopack", key, manifest, entries)


HOSTILE: dict[str, tuple[Hostile, str, str]] = {
    # case: (how it is made, the reason, words the person reads)
    "bad signature": (_bad_signature, "signature", "signature does not match"),
    "unknown key": (_unknown_key, "unknown-key", "not signed by a publisher this computer trusts"),
    "file hash differs": (_hash_differs, "hash", "not the one that was signed"),
    "file size differs": (_size_differs, "size", "not the size that was signed"),
    "file in zip not in manifest": (_file_not_in_manifest, "not-listed", "does not name"),
    "file in manifest not in zip": (_manifest_file_not_in_zip, "missing", "is missing"),
    "path with ..": (_with_entry(CONTENT + "../evil.md", b"# x\n"), "unsafe-name", "unsafe"),
    "absolute path": (_with_entry("/etc/evil.md", b"# x\n"), "unsafe-name", "outside the library"),
    "windows path": (_with_entry("content\\..\\evil.md", b"# x\n"), "unsafe-name", "unsafe"),
    "symlink": (
        _with_entry(CONTENT + "gist/link.md", b"/etc/passwd", stat.S_IFLNK | 0o777),
        "link",
        "link",
    ),
    "device": (
        _with_entry(CONTENT + "gist/dev.md", b"", stat.S_IFCHR | 0o644),
        "special-file",
        "device",
    ),
    "duplicate entries": (_duplicate, "duplicate", "twice"),
    "names differing in capitals": (
        _with_entry(CONTENT + "gist/DIET.md", b"# x\n"),
        "duplicate",
        "differing only in capitals",
    ),
    "a file and a folder of one name": (_file_and_folder, "duplicate", "a file and for a folder"),
    "a name too long": (_with_entry(CONTENT + "a" * 130 + ".md", b"# x\n"), "long-name", "long"),
    "pack id with ..": (
        lambda t, k, g: _signed_as(t, k, g, id="../evil"),
        "manifest",
        "its id is missing or not",
    ),
    "zip bomb (ratio)": (_ratio_bomb, "bomb", "zip bomb"),
    "zip bomb (one file too big)": (_too_big_file, "too-big", "limit for one file"),
    "zip bomb (total too big)": (_too_big_in_total, "too-big", "more than"),
    "unknown manifest format": (_unknown_format, "format", "newer OncoRef"),
    "truncated zip": (_truncated, "damaged", "not copied in full"),
    "not a document": (_with_entry(CONTENT + "gist/run.exe", b"MZ"), "not-document", "not a"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_bad_pack_is_refused_plainly_and_nothing_changes(
    case: str, tmp_path: Path, key: Path, v1: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = PackStore.user()
    store.install(v1)  # what is there must stay as it is
    before = tree(data_dir())
    monkeypatch.setattr(packs, "MAX_TOTAL_BYTES", packs.MAX_TOTAL_BYTES)
    make, reason, words = HOSTILE[case]
    bad = make(tmp_path, key, make_pack(tmp_path, key, DOCS, version=2))
    with pytest.raises(PackError) as refused:
        store.install(bad)
    assert refused.value.reason == reason
    assert words in refused.value.message
    assert "Traceback" not in refused.value.message
    assert tree(data_dir()) == before
    session = open_session(bundled=False)
    assert {d.id for d in session.library.documents} == {
        "gist/diet",
        "gist/exercise",
        "gist/money",
    }
    assert all(d.pack is not None and d.pack.version == 1 for d in session.library.documents)


def test_the_command_line_refuses_with_the_reason_and_exit_code_6(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stranger = make_key(tmp_path / "stranger", "Someone Else", trusted=False)
    pack = make_pack(tmp_path, stranger, DOCS)
    code, _, err = run("pack", "install", str(pack), capsys=capsys)
    assert code == 6
    assert "not signed by a publisher this computer trusts" in err
    assert "oncoref pack trust" in err
    assert not (data_dir() / "packs").exists()
    trust_key(str(stranger) + ".pub")
    assert verify_pack(pack).signer.name == "Someone Else"


def test_the_publisher_key_ships_and_is_trusted_everywhere() -> None:
    from index.packs import trusted_keys
    from index.paths import resource

    shipped = sorted(resource("keys").glob("*.pub"))
    assert shipped, "no publisher key in resources/keys"
    keys = trusted_keys()
    for path in shipped:
        key = packs.parse_public_key(path.read_text(encoding="utf-8"))
        assert key.id in keys and key.name == "OncoRef"
    assert not list(resource("keys").glob("*.key"))  # never a private key
