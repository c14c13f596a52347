"""Making packs for tests: keys made here, folders of documents, hostile zips."""

from __future__ import annotations

import datetime as dt
import stat
import zipfile
from dataclasses import replace
from pathlib import Path

from index.packs import (
    CONTENT,
    MANIFEST,
    SIGNATURE,
    Manifest,
    PackFile,
    build_pack,
    generate_key,
    read_private_key,
    sign_manifest,
    trust_key,
)
from tests.conftest import write


def document(title: str, body: str, types: str = "Gastrointestinal stromal tumour") -> str:
    return (
        f"---\ntitle: {title}\nlicense: CC BY 4.0\nsource: Riverside Cancer Centre\n"
        f"cancerTypes: [{types}]\n---\n\n# About this\n\n{body}\n"
    )


def make_key(folder: Path, name: str = "Riverside Cancer Centre", trusted: bool = True) -> Path:
    private = folder / f"{name.split()[0].lower()}.key"
    generate_key(private, name)
    if trusted:
        trust_key(str(private.with_name(private.name + ".pub")))
    return private


def make_folder(folder: Path, docs: dict[str, str], **settings: object) -> Path:
    for name, text in docs.items():
        write(folder / name, text)
    lines = [f"{k}: {v}" for k, v in settings.items()]
    write(folder / "pack.yaml", "\n".join(lines) + "\n")
    return folder


def make_pack(
    tmp: Path, key: Path, docs: dict[str, str], version: int = 1, name: str = "", **settings: object
) -> Path:
    """A signed pack of `docs` (path: text), id riverside.handouts by default."""
    settings = {"id": "riverside.handouts", "title": "Riverside handouts", **settings}
    folder = make_folder(tmp / f"src-{name or version}", docs, version=version, **settings)
    out = tmp / f"{name or f'v{version}'}.oncopack"
    build_pack(folder, out, key, content_as_of=dt.date(2026, 11, version))
    return out


def read_pack(path: Path) -> tuple[Manifest, dict[str, bytes]]:
    from index.packs import parse_manifest

    with zipfile.ZipFile(path) as zf:
        manifest = parse_manifest(zf.read(MANIFEST))
        files = {
            n.removeprefix(CONTENT): zf.read(n) for n in zf.namelist() if n.startswith(CONTENT)
        }
    return manifest, files


FILE = stat.S_IFREG | 0o644


def entry(name: str, data: bytes, mode: int = FILE) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = mode << 16
    return info, data


def craft(
    path: Path,
    key: Path,
    manifest: Manifest,
    entries: list[tuple[zipfile.ZipInfo, bytes]],
    manifest_bytes: bytes | None = None,
    signature: bytes | None = None,
) -> Path:
    """A zip as an attacker (or a broken copy) might make it, signed with `key`."""
    signing, _ = read_private_key(key)
    body = manifest.to_yaml()
    sig = sign_manifest(body, signing) if signature is None else signature
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(entry(MANIFEST, manifest_bytes or body)[0], manifest_bytes or body)
        zf.writestr(entry(SIGNATURE, sig)[0], sig)
        for info, data in entries:
            zf.writestr(info, data)
    return path


def listed(manifest: Manifest, path: str, data: bytes) -> Manifest:
    """The manifest with one more file, listed as it is."""
    import hashlib

    extra = PackFile(path, len(data), hashlib.sha256(data).hexdigest(), "CC BY 4.0", "x")
    return replace(manifest, files=(*manifest.files, extra))
