"""Library packs: signed content updates that a clinic installs from a USB stick.

A pack is a zip file (`NAME.oncopack`):

    manifest.yaml   format, pack id, version (only ever increases), the date the
                    content is "as of", the oldest OncoRef that reads it, the key
                    id, each file's path, size, SHA-256, licence and attribution,
                    and the bundled documents the pack removes
    manifest.sig    the key id and an Ed25519 signature of manifest.yaml's bytes
    content/...     the documents and their sidecars

Verifying reads only the zip's directory until the signature is checked against
a trusted key (the publisher's, shipped in resources/keys/, or one this computer
was told to trust); the manifest is parsed only then, and every file is checked
against it.

Installed packs live in a pack store, in the user's data folder or, with
`--system`, in the computer's shared data folder:

    packs/installed.json            per pack: its current version and the previous
                                    one (for rollback)
    packs/ID/VERSION-TOKEN/         one version's files, never changed once written

Installing unpacks a new version folder beside the current one, verifies it
again on disk, then switches by replacing installed.json in one atomic rename.
A crash or a power cut at any moment leaves installed.json naming either the
old folder or the new one, each complete; leftovers are tidied by the next
change. The library loader reads only the folders installed.json names.

Ed25519 comes from PyNaCl (libsodium), imported only when a pack is built,
verified or installed: opening the window never loads it, nor PyYAML, zipfile
or hashlib for packs (reading installed.json is all a start does, and only when
a pack is installed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any

from index import __version__, formats
from index.files import fsync_folder, write_atomically
from index.model import PackOrigin
from index.paths import data_dir, pack_stores, resource, system_data_dir

if TYPE_CHECKING:
    import zipfile

    from nacl.signing import SigningKey

FORMAT = 1  # of the manifest; a pack of a newer format is refused, not guessed at
SUFFIX = ".oncopack"
MANIFEST = "manifest.yaml"
SIGNATURE = "manifest.sig"
CONTENT = "content/"  # the documents' folder inside the zip
STATE = "installed.json"
SETTINGS = "pack.yaml"  # in a folder a pack is built from: id, version, title, ...
KEY_PREFIX = "oncoref-ed25519"
PRIVATE_PREFIX = "oncoref-ed25519-private"

# What a pack may hold. A document over the library's own limit would not load
# anyway; the total and the compression ratio stop a "zip bomb" before it is
# unpacked (the sizes in the zip's directory are checked, and reading never
# goes past them).
MAX_FILES = 5000
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, for files over RATIO_FROM
RATIO_FROM = 64 * 1024
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
# Names that fit every file system a clinic has, beside the store's own folders.
MAX_NAME, MAX_PART = 200, 120

_PACK_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}\Z")
_SHA256 = re.compile(r"[0-9a-f]{64}\Z")
_WINDOWS_RESERVED = set('<>:"|?*')


class PackError(Exception):
    """A pack refused, or a pack command that cannot be done, said in plain words.
    Nothing was changed when it is raised."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason  # a short code that tells the cases apart
        self.message = message


# -- keys ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key and the name of whoever holds its private half."""

    raw: bytes
    name: str = ""
    source: Path | None = None  # the file it was read from

    @property
    def id(self) -> str:
        return key_id(self.raw)

    def text(self) -> str:
        """One line, as `pack keygen` prints it and `pack trust` takes it."""
        import base64

        return f"{KEY_PREFIX} {base64.b64encode(self.raw).decode()} {self.name}".rstrip()

    def label(self) -> str:
        return f"{self.name} (key {self.id})" if self.name else f"key {self.id}"


def key_id(raw: bytes) -> str:
    import hashlib

    return hashlib.sha256(raw).hexdigest()[:16]


def _key_line(text: str, prefix: str) -> tuple[bytes, str] | None:
    """A key file's line, `PREFIX BASE64 [name]`: the 32 key bytes (b"" when they
    are damaged) and the name; None when the line is not that kind of key."""
    import base64
    import binascii

    parts = text.strip().split(maxsplit=2)
    if len(parts) < 2 or parts[0] != prefix:
        return None
    try:
        raw = base64.b64decode(parts[1], validate=True)
    except binascii.Error:
        raw = b""
    return (raw if len(raw) == 32 else b""), (parts[2].strip() if len(parts) > 2 else "")


def parse_public_key(text: str, source: Path | None = None) -> PublicKey:
    line = _key_line(text, KEY_PREFIX)
    if line is None:
        raise PackError("key", f"not an OncoRef public key (it starts with '{KEY_PREFIX} ')")
    raw, name = line
    if not raw:
        raise PackError("key", "the public key is damaged (it is not 32 bytes of base64)")
    return PublicKey(raw, name, source)


def generate_key(private_path: Path, name: str = "") -> PublicKey:
    """A new key pair: the private key in `private_path` (readable by its owner
    only, never overwritten) and the public key beside it as `private_path.pub`."""
    import base64

    signing = _nacl_signing()
    name = " ".join(name.split())
    public_path = private_path.with_name(private_path.name + ".pub")
    for path in (private_path, public_path):
        if path.exists():
            raise PackError("exists", f"{path} already exists; OncoRef never overwrites a key")
    key = signing.SigningKey.generate()
    public = PublicKey(bytes(key.verify_key), name)
    seed = base64.b64encode(bytes(key)).decode()
    try:
        private_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(f"{PRIVATE_PREFIX} {seed} {name}".rstrip() + "\n")
        public_path.write_text(public.text() + "\n", encoding="utf-8")
    except OSError as exc:
        raise PackError("write", f"could not write the key: {exc}") from exc
    return PublicKey(public.raw, name, public_path)


def read_private_key(path: Path) -> tuple[SigningKey, str]:
    """The signing key in `path` and the name it was made with."""
    signing = _nacl_signing()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError("key", f"cannot read the private key {path}: {exc}") from exc
    line = _key_line(text, PRIVATE_PREFIX)
    if line is None:
        raise PackError("key", f"{path} is not an OncoRef private key (made by `pack keygen`)")
    seed, name = line
    if not seed:
        raise PackError("key", f"the private key {path} is damaged")
    return signing.SigningKey(seed), name


def _nacl_signing() -> ModuleType:
    """PyNaCl's Ed25519, or a PackError saying signatures cannot be checked here."""
    try:
        import nacl.signing
    except ImportError as exc:
        raise PackError(
            "crypto", f"this OncoRef cannot check signatures: a part is missing ({exc})"
        ) from exc
    return nacl.signing


def key_folders() -> list[Path]:
    """Where trusted public keys are: the publisher's, shipped with OncoRef, then
    the ones trusted on this computer for every user and for this user."""
    return [resource("keys"), system_data_dir() / "keys", data_dir() / "keys"]


def trusted_keys() -> dict[str, PublicKey]:
    keys: dict[str, PublicKey] = {}
    for folder in key_folders():
        for path in sorted(folder.glob("*.pub")) if folder.is_dir() else []:
            try:
                key = parse_public_key(path.read_text(encoding="utf-8"), path)
            except (OSError, UnicodeDecodeError, PackError):
                continue  # a damaged key file trusts nobody
            keys.setdefault(key.id, key)
    return keys


def trust_key(key_or_file: str, system: bool = False) -> PublicKey:
    """Trust a public key (its text, or a file holding it) for packs installed by
    this user, or with `system` by every user of the computer."""
    path = Path(key_or_file).expanduser()
    text = key_or_file
    if not key_or_file.startswith(KEY_PREFIX) and path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PackError("key", f"cannot read {path}: {exc}") from exc
    key = parse_public_key(text)
    folder = (system_data_dir() if system else data_dir()) / "keys"
    target = folder / f"{key.id}.pub"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(target, (key.text() + "\n").encode())
    except PermissionError as exc:
        raise _not_allowed(folder) from exc
    except OSError as exc:
        raise PackError("write", f"could not save the key in {folder}: {exc}") from exc
    return PublicKey(key.raw, key.name, target)


# -- the manifest -------------------------------------------------------------------


@dataclass(frozen=True)
class PackFile:
    path: str  # inside content/, with forward slashes
    size: int
    sha256: str
    licence: str = ""
    attribution: str = ""
    title: str = ""  # of a document, for people to see what a pack holds

    @property
    def doc(self) -> str | None:
        """The document id it gives the library, or None for a sidecar."""
        name = PurePosixPath(self.path)
        return name.with_suffix("").as_posix() if formats.is_document(name.name) else None


@dataclass(frozen=True)
class Manifest:
    id: str
    version: int
    content_as_of: dt.date
    key: str
    files: tuple[PackFile, ...]
    title: str = ""
    publisher: str = ""
    min_oncoref: str = "0"
    removes: tuple[str, ...] = ()  # ids of bundled documents this pack withdraws
    format: int = FORMAT

    def documents(self) -> list[str]:
        return [f.doc for f in self.files if f.doc is not None]

    def display_title(self) -> str:
        return self.title or self.id

    def to_yaml(self) -> bytes:
        import yaml

        data: dict[str, Any] = {
            "format": self.format,
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "version": self.version,
            "content_as_of": self.content_as_of,
            "min_oncoref": self.min_oncoref,
            "key": self.key,
            "files": [
                {
                    "path": f.path,
                    "size": f.size,
                    "sha256": f.sha256,
                    "licence": f.licence,
                    "attribution": f.attribution,
                    **({"title": f.title} if f.title else {}),
                }
                for f in self.files
            ],
            "removes": list(self.removes),
        }
        text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        return text.encode("utf-8")


def parse_manifest(data: bytes) -> Manifest:
    """A manifest whose signature has been checked; anything malformed is refused."""
    import yaml

    try:
        raw = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _bad_manifest(f"it is not readable YAML ({type(exc).__name__})") from exc
    if not isinstance(raw, dict):
        raise _bad_manifest("it is not a list of fields")
    version = raw.get("format")
    if version != FORMAT:
        if isinstance(version, int) and version > FORMAT:
            raise PackError(
                "format",
                f"This update was made for a newer OncoRef (pack format {version}; this "
                f"OncoRef reads format {FORMAT}). Update OncoRef first.",
            )
        raise PackError("format", f"This update has an unknown pack format ({version!r}).")
    pack_id = raw.get("id")
    if not isinstance(pack_id, str) or not _PACK_ID.match(pack_id):
        raise _bad_manifest("its id is missing or not of lower-case letters, digits, . _ -")
    number = raw.get("version")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise _bad_manifest("its version is not a whole number of 1 or more")
    as_of = raw.get("content_as_of")
    if isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            as_of = None
    if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
        raise _bad_manifest("its content_as_of is not a date (YYYY-MM-DD)")
    minimum = str(raw.get("min_oncoref") or "0")
    if _version_tuple(minimum) is None:
        raise _bad_manifest(f"its min_oncoref ({minimum!r}) is not a version like 1.2.0")
    files: list[PackFile] = []
    seen: set[str] = set()
    entries = raw.get("files")
    if not isinstance(entries, list) or len(entries) > MAX_FILES:
        raise _bad_manifest(f"its file list is missing or longer than {MAX_FILES}")
    for entry in entries:
        if not isinstance(entry, dict):
            raise _bad_manifest("a file entry is not a list of fields")
        path, size, digest = entry.get("path"), entry.get("size"), entry.get("sha256")
        if not isinstance(path, str):
            raise _bad_manifest("a file entry has no path")
        check_name(path)
        if path.endswith("/"):
            raise _bad_manifest(f"the file entry '{path}' is a folder")
        name = PurePosixPath(path).name
        if not (formats.is_document(name) or formats.is_sidecar(name)):
            raise PackError(
                "not-document",
                f"This update holds '{path}', which is not a document OncoRef reads "
                f"({formats.suffix_list()}, or a .meta.yaml beside one).",
            )
        if path.casefold() in seen:
            raise PackError("duplicate", f"This update lists the file '{path}' twice.")
        seen.add(path.casefold())
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise _bad_manifest(f"the size of '{path}' is not a number of bytes")
        if not isinstance(digest, str) or not _SHA256.match(digest):
            raise _bad_manifest(f"the SHA-256 of '{path}' is not 64 hexadecimal digits")
        files.append(
            PackFile(
                path,
                size,
                digest,
                str(entry.get("licence") or ""),
                str(entry.get("attribution") or ""),
                str(entry.get("title") or ""),
            )
        )
    folders = {str(parent).casefold() for f in files for parent in PurePosixPath(f.path).parents}
    clash = next((f.path for f in files if f.path.casefold() in folders), None)
    if clash is not None:
        raise PackError(
            "duplicate", f"This update uses the name '{clash}' for a file and for a folder."
        )
    removes = raw.get("removes") or []
    if not isinstance(removes, list) or not all(isinstance(r, str) for r in removes):
        raise _bad_manifest("its removes is not a list of document ids")
    return Manifest(
        id=pack_id,
        version=number,
        content_as_of=as_of,
        key=str(raw.get("key") or ""),
        files=tuple(files),
        title=str(raw.get("title") or ""),
        publisher=str(raw.get("publisher") or ""),
        min_oncoref=minimum,
        removes=tuple(removes),
        format=FORMAT,
    )


def _bad_manifest(why: str) -> PackError:
    return PackError("manifest", f"This update's list of contents is not valid: {why}.")


def _version_tuple(text: str) -> tuple[int, ...] | None:
    parts = text.strip().split(".")
    if not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def check_name(name: str) -> None:
    """A path inside a pack must stay inside the folder it is unpacked into, on any
    system: relative, forward slashes, no `..`, no drive letter, no odd characters."""
    parts = name.rstrip("/").split("/")
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or re.match(r"[A-Za-z]:", name)
        or any(part in ("", ".", "..") for part in parts)
        or any(ord(c) < 32 or c in _WINDOWS_RESERVED for c in name)
    ):
        raise PackError(
            "unsafe-name",
            f"This update holds a file with an unsafe name ({name!r}): it could be "
            "written outside the library.",
        )
    if len(name) > MAX_NAME or any(len(part.encode()) > MAX_PART for part in parts):
        raise PackError(
            "long-name",
            f"This update holds a file name too long for some computers ('{name[:60]}…').",
        )


# -- reading and verifying a pack ------------------------------------------------------


@dataclass(frozen=True)
class VerifiedPack:
    """A pack whose signature and every file were found as signed."""

    path: Path
    manifest: Manifest
    signer: PublicKey

    @property
    def publisher(self) -> str:
        return self.manifest.publisher or self.signer.name or f"key {self.signer.id}"


def verify_pack(path: Path, keys: Mapping[str, PublicKey] | None = None) -> VerifiedPack:
    """Check a pack file from end to end without unpacking it; raise PackError with
    the first thing wrong."""
    keys = trusted_keys() if keys is None else keys
    with _open_zip(path) as zf:
        entries = _check_entries(zf)
        manifest_bytes = _read_control(zf, entries, MANIFEST)
        signer = _check_signature(manifest_bytes, _read_control(zf, entries, SIGNATURE), keys)
        manifest = parse_manifest(manifest_bytes)
        if manifest.key != signer.id:
            raise PackError(
                "signature",
                "This update's list of contents names another key than the one that signed it.",
            )
        _check_files(zf, entries, manifest)
    _check_compatible(manifest)
    return VerifiedPack(Path(path), manifest, signer)


@contextlib.contextmanager
def _open_zip(path: Path) -> Iterator[zipfile.ZipFile]:
    import zipfile
    import zlib

    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise PackError("no-file", f"There is no file {path}.") from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _damaged(path) from exc
    try:
        with zf:
            yield zf
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise _damaged(path) from exc


def _damaged(path: Path) -> PackError:
    return PackError(
        "damaged",
        f"{path.name} is not a complete OncoRef update: it is damaged or was not "
        "copied in full. Copy it again from the original.",
    )


def _check_entries(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The zip's files by name, refusing anything that is not a plain file with a
    safe, unique name, and anything that would unpack too large."""
    import stat
    import zipfile

    infos = zf.infolist()
    if len(infos) > MAX_FILES + 2:
        raise PackError("too-big", f"This update holds more than {MAX_FILES} files.")
    files: dict[str, zipfile.ZipInfo] = {}
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        check_name(name)
        folded = name.rstrip("/").casefold()
        if folded in seen:
            raise PackError(
                "duplicate",
                f"This update holds '{name}' twice (names differing only in capitals "
                "count as the same).",
            )
        seen.add(folded)
        mode = info.external_attr >> 16
        if info.create_system == 3 and stat.S_IFMT(mode):  # made on Unix: the mode says
            if stat.S_ISLNK(mode):
                raise PackError(
                    "link", f"This update holds a link ('{name}'); packs may hold only files."
                )
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                raise PackError(
                    "special-file",
                    f"This update holds a device or other special file ('{name}'); "
                    "packs may hold only files.",
                )
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise PackError("encrypted", f"This update holds an encrypted file ('{name}').")
        if name not in (MANIFEST, SIGNATURE) and not name.startswith(CONTENT):
            raise PackError(
                "not-listed", f"This update holds '{name}', which is not part of a library pack."
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise PackError(
                "damaged", f"This update holds '{name}' compressed in a way OncoRef does not read."
            )
        limit = MAX_MANIFEST_BYTES if name in (MANIFEST, SIGNATURE) else MAX_FILE_BYTES
        if info.file_size > limit:
            raise PackError(
                "too-big",
                f"This update holds '{name}' of {_mb(info.file_size)} unpacked; the "
                f"limit for one file is {_mb(limit)}.",
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise PackError(
                "too-big",
                f"This update would unpack to more than {_mb(MAX_TOTAL_BYTES)}, the limit.",
            )
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise PackError(
                "bomb",
                f"'{name}' in this update would unpack to "
                f"{info.file_size // max(info.compress_size, 1)} times its packed size: "
                "far more than documents do. It may be built to fill the disk (a zip bomb).",
            )
        files[name] = info
    return files


def _mb(size: int) -> str:
    return f"{size / 1048576:.1f} MB"


def _read_control(zf: zipfile.ZipFile, entries: Mapping[str, zipfile.ZipInfo], name: str) -> bytes:
    info = entries.get(name)
    if info is None:
        what = "its signature" if name == SIGNATURE else "its list of contents"
        raise PackError(
            "no-signature" if name == SIGNATURE else "manifest",
            f"This file is not an OncoRef update: {what} ({name}) is missing.",
        )
    with zf.open(info) as f:
        return f.read(MAX_MANIFEST_BYTES + 1)[:MAX_MANIFEST_BYTES]


def _check_signature(manifest: bytes, signature: bytes, keys: Mapping[str, PublicKey]) -> PublicKey:
    import base64
    import binascii

    signing = _nacl_signing()
    from nacl.exceptions import BadSignatureError, CryptoError

    fields: dict[str, str] = {}
    for line in signature.decode("ascii", errors="replace").splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    try:
        raw = base64.b64decode(fields.get("signature", ""), validate=True)
    except binascii.Error:
        raw = b""
    signer = keys.get(fields.get("key", ""))
    if signer is None:
        raise PackError(
            "unknown-key",
            "This update is not signed by a publisher this computer trusts "
            f"(it names key {fields.get('key') or 'none'}).",
        )
    try:
        if len(raw) != 64:
            raise ValueError("not 64 bytes")
        signing.VerifyKey(signer.raw).verify(manifest, raw)
    except (BadSignatureError, CryptoError, ValueError, TypeError) as exc:
        raise PackError(
            "signature",
            f"This update's signature does not match its contents ({signer.label()}): "
            "it was changed after it was signed, or it is damaged.",
        ) from exc
    return signer


def _check_files(
    zf: zipfile.ZipFile, entries: Mapping[str, zipfile.ZipInfo], manifest: Manifest
) -> None:
    listed = {CONTENT + f.path for f in manifest.files}
    present = {name for name in entries if name.startswith(CONTENT)}
    extra, missing = sorted(present - listed), sorted(listed - present)
    if extra:
        raise PackError(
            "not-listed",
            f"This update holds a file its signed list of contents does not name "
            f"('{extra[0].removeprefix(CONTENT)}'): it was added after signing.",
        )
    if missing:
        raise PackError(
            "missing",
            f"A file named in this update's list of contents is missing "
            f"('{missing[0].removeprefix(CONTENT)}').",
        )
    for entry in manifest.files:
        info = entries[CONTENT + entry.path]
        if info.file_size != entry.size:
            raise _size_differs(entry.path)
        with zf.open(info) as f:
            size, digest = _digest(f, entry.size)
        _check_digest(entry, size, digest)


def _digest(stream: IO[bytes], limit: int) -> tuple[int, str]:
    """Size and SHA-256 of a stream, reading at most one byte past `limit`."""
    import hashlib

    hasher = hashlib.sha256()
    size = 0
    while size <= limit:
        chunk = stream.read(min(65536, limit + 1 - size))
        if not chunk:
            break
        size += len(chunk)
        hasher.update(chunk)
    return size, hasher.hexdigest()


def _check_digest(entry: PackFile, size: int, digest: str) -> None:
    if size != entry.size:
        raise _size_differs(entry.path)
    if digest != entry.sha256:
        raise PackError(
            "hash",
            f"The file '{entry.path}' in this update is not the one that was signed "
            "(its contents differ): the update was changed or damaged.",
        )


def _size_differs(path: str) -> PackError:
    return PackError(
        "size",
        f"The file '{path}' in this update is not the size that was signed: the update "
        "was changed or damaged.",
    )


def _check_compatible(manifest: Manifest) -> None:
    need = _version_tuple(manifest.min_oncoref) or (0,)
    have = _version_tuple(__version__) or (0,)
    if need > have:
        raise PackError(
            "needs-newer",
            f"This update needs OncoRef {manifest.min_oncoref} or newer; this is "
            f"OncoRef {__version__}. Update OncoRef first.",
        )


# -- building a pack ----------------------------------------------------------------


@dataclass
class BuildReport:
    manifest: Manifest
    left_out: list[str] = field(default_factory=list)  # files that are not documents


def build_pack(
    folder: Path,
    output: Path,
    private_key: Path,
    *,
    pack_id: str | None = None,
    version: int | None = None,
    content_as_of: dt.date | None = None,
    title: str | None = None,
    publisher: str | None = None,
    min_oncoref: str | None = None,
    removes: Iterable[str] = (),
) -> BuildReport:
    """Sign the documents in `folder` as a pack. Its `pack.yaml` gives the id,
    version and the rest; the arguments win over it. Each document must load and
    have a licence (its own, or pack.yaml's `licence` for all)."""
    from index.library import load_document

    key, key_name = read_private_key(private_key)
    settings = _read_settings(folder)
    pack_id = pack_id or str(settings.get("id") or "")
    number = version if version is not None else settings.get("version")
    as_of = content_as_of or settings.get("content_as_of") or dt.date.today()
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    if not _PACK_ID.match(pack_id):
        raise PackError(
            "build",
            "give the pack an id of lower-case letters, digits, '.', '_' or '-' "
            f"(`id:` in {SETTINGS} or --id)",
        )
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise PackError("build", f"give the pack a version of 1 or more (`version:` in {SETTINGS})")
    default_licence = str(settings.get("licence") or settings.get("license") or "")
    default_attribution = str(settings.get("attribution") or "")
    files: list[tuple[PackFile, bytes]] = []
    left_out: list[str] = []
    errors: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
        rel = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if rel == SETTINGS:
            continue
        if not (formats.is_document(path.name) or formats.is_sidecar(path.name)):
            left_out.append(rel)
            continue
        if path.is_symlink():
            errors.append(f"{rel}: a link; copy the file itself into the folder")
            continue
        check_name(rel)
        data = path.read_bytes()
        licence, attribution, doc_title = "", "", ""
        if formats.is_document(path.name):
            document, problems = load_document(path, PurePosixPath(rel).with_suffix("").as_posix())
            errors += [str(p) for p in problems if p.severity.value == "error"]
            if document is None:
                continue
            doc_title = document.title
            licence = document.meta.license or default_licence
            attribution = document.meta.citation or document.meta.source or default_attribution
            if not licence:
                errors.append(f"{rel}: no licence (give it `license:`, or {SETTINGS} `licence:`)")
        entry = PackFile(rel, len(data), _sha256(data), licence, attribution, doc_title)
        files.append((entry, data))
    if errors:
        raise PackError("build", "not built; fix these first:\n  " + "\n  ".join(errors))
    if not any(f.doc for f, _ in files):
        raise PackError("build", f"{folder} holds no documents")
    withdrawn = list(removes) or [str(r) for r in settings.get("removes") or []]
    manifest = Manifest(
        id=pack_id,
        version=number,
        content_as_of=as_of,
        key=key_id(bytes(key.verify_key)),
        files=tuple(f for f, _ in files),
        title=title or str(settings.get("title") or ""),
        publisher=publisher or str(settings.get("publisher") or key_name),
        min_oncoref=min_oncoref or str(settings.get("min_oncoref") or __version__),
        removes=tuple(withdrawn),
    )
    manifest_bytes = manifest.to_yaml()
    signature = sign_manifest(manifest_bytes, key)
    write_zip(output, manifest_bytes, signature, [(CONTENT + f.path, d) for f, d in files])
    return BuildReport(manifest, left_out)


def sign_manifest(manifest: bytes, key: SigningKey) -> bytes:
    import base64

    signature = key.sign(manifest).signature
    kid = key_id(bytes(key.verify_key))
    return f"key: {kid}\nsignature: {base64.b64encode(signature).decode()}\n".encode()


def write_zip(
    output: Path, manifest: bytes, signature: bytes, files: Iterable[tuple[str, bytes]]
) -> None:
    """The zip, written whole beside `output` and then renamed onto it."""
    import stat
    import zipfile

    entries = [(MANIFEST, manifest), (SIGNATURE, signature), *files]
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = (stat.S_IFREG | 0o644) << 16
                zf.writestr(info, data)
        os.replace(tmp, output)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise PackError("write", f"could not write {output}: {exc}") from exc


def _read_settings(folder: Path) -> dict[str, Any]:
    import yaml

    path = folder / SETTINGS
    if not folder.is_dir():
        raise PackError("build", f"{folder} is not a folder")
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PackError("build", f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise PackError("build", f"{path} is not a list of fields (id:, version:, ...)")
    return data


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


# -- installed packs ----------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    """One installed version of a pack, as installed.json records it."""

    id: str
    version: int
    folder: str  # VERSION-TOKEN, under the pack store's ID folder
    content_as_of: dt.date
    title: str = ""
    publisher: str = ""
    key: str = ""
    installed: str = ""  # when, ISO 8601
    documents: tuple[str, ...] = ()
    removes: tuple[str, ...] = ()

    def display_title(self) -> str:
        return self.title or self.id

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "folder": self.folder,
            "content_as_of": self.content_as_of.isoformat(),
            "title": self.title,
            "publisher": self.publisher,
            "key": self.key,
            "installed": self.installed,
            "documents": list(self.documents),
            "removes": list(self.removes),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Installed:
        folder = str(data["folder"])
        if "/" in folder or "\\" in folder or folder in ("", ".", ".."):
            raise ValueError(f"bad folder {folder!r}")
        return cls(
            id=str(data["id"]),
            version=int(data["version"]),
            folder=folder,
            content_as_of=dt.date.fromisoformat(str(data["content_as_of"])),
            title=str(data.get("title", "")),
            publisher=str(data.get("publisher", "")),
            key=str(data.get("key", "")),
            installed=str(data.get("installed", "")),
            documents=tuple(str(d) for d in data.get("documents", [])),
            removes=tuple(str(d) for d in data.get("removes", [])),
        )


@dataclass(frozen=True)
class InstalledPack:
    """A pack in a store: the version the library reads, and the one before it."""

    current: Installed
    previous: Installed | None
    store_root: Path  # the store's packs/ folder
    system: bool = False  # installed for every user of the computer

    @property
    def id(self) -> str:
        return self.current.id

    @property
    def root(self) -> Path:
        """The folder the library reads this pack's documents from."""
        return self.store_root / self.current.id / self.current.folder

    @property
    def removes(self) -> tuple[str, ...]:
        return self.current.removes

    def origin(self) -> PackOrigin:
        c = self.current
        return PackOrigin(c.id, c.display_title(), c.version, c.content_as_of, c.publisher)


@dataclass
class InstallReport:
    installed: Installed
    previous: Installed | None
    changes: Changes


@dataclass
class Changes:
    """What installing a pack does to the library a person sees."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def compare(
    manifest: Manifest, library: Mapping[str, Path], installed: Installed | None = None
) -> Changes:
    """The documents a pack adds, changes and removes, against the library as it is
    (document id: its file) and the version of the same pack installed now."""
    import hashlib

    changes = Changes()
    by_path = {f.path: f for f in manifest.files}
    for entry in manifest.files:
        doc = entry.doc
        if doc is None:
            continue
        path = library.get(doc)
        if path is None:
            changes.added.append(doc)
            continue
        name = PurePosixPath(entry.path)
        sidecar = by_path.get(name.with_name(name.stem + formats.SIDECAR_SUFFIX).as_posix())
        sidecar_path = formats.sidecar_for(path)
        same = name.suffix == path.suffix
        try:
            same = same and hashlib.sha256(path.read_bytes()).hexdigest() == entry.sha256
            if sidecar is not None or sidecar_path.exists():
                theirs = sidecar.sha256 if sidecar is not None else ""
                here = hashlib.sha256(sidecar_path.read_bytes()).hexdigest()
                same = same and theirs == here
        except OSError:
            same = False
        (changes.unchanged if same else changes.changed).append(doc)
    ours = set(manifest.documents())
    gone = {d for d in manifest.removes if d in library}
    if installed is not None:
        gone |= {d for d in installed.documents if d not in ours and d in library}
    changes.removed = sorted(gone - ours)
    return changes


class PackStore:
    """The packs installed in one data folder."""

    def __init__(self, root: Path, system: bool = False) -> None:
        self.root = Path(root)  # the store's packs/ folder
        self.system = system

    @classmethod
    def user(cls) -> PackStore:
        return cls(pack_stores()[0])

    @classmethod
    def system_wide(cls) -> PackStore:
        return cls(pack_stores()[1], system=True)

    @property
    def state_path(self) -> Path:
        return self.root / STATE

    # -- reading ------------------------------------------------------------------

    def packs(self) -> dict[str, InstalledPack]:
        """What installed.json says; nothing when there is none. A damaged one (it is
        only ever replaced whole, so that takes a disk fault or a hand edit) raises."""
        try:
            text = self.state_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            raise PackError("state", f"cannot read {self.state_path}: {exc}") from exc
        import json

        try:
            data = json.loads(text)
            packs = {}
            for pack_id, entry in data["packs"].items():
                current = Installed.from_json(entry["current"])
                previous = entry.get("previous")
                if current.id != pack_id or not _PACK_ID.match(pack_id):
                    raise ValueError(f"bad pack id {pack_id!r}")
                packs[pack_id] = InstalledPack(
                    current,
                    Installed.from_json(previous) if previous else None,
                    self.root,
                    self.system,
                )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PackError(
                "state", f"the list of installed packs {self.state_path} is damaged ({exc})"
            ) from exc
        return packs

    # -- changing -------------------------------------------------------------------

    def install(
        self,
        path: Path,
        allow_downgrade: bool = False,
        keys: Mapping[str, PublicKey] | None = None,
        library: Mapping[str, Path] | None = None,
    ) -> InstallReport:
        """Verify the pack, unpack it beside the current version, verify it again on
        disk, and switch to it in one rename. `library` (document id: file) is what
        the report's changes are counted against."""
        import secrets
        import shutil

        pack = verify_pack(path, keys)
        manifest = pack.manifest
        with self._locked():
            packs = self.packs()
            old = packs.get(manifest.id)
            if old is not None and not allow_downgrade:
                _check_newer(manifest, old.current)
            changes = compare(manifest, library or {}, old.current if old else None)
            self._tidy(packs)
            token = secrets.token_hex(4)
            pack_dir = self.root / manifest.id
            incoming = pack_dir / f".incoming-{token}"
            final = pack_dir / f"{manifest.version}-{token}"
            try:
                pack_dir.mkdir(parents=True, exist_ok=True)
                _unpack(pack.path, manifest, incoming)
                verify_folder(incoming, manifest)
                os.rename(incoming, final)
                fsync_folder(pack_dir)
            except OSError as exc:
                shutil.rmtree(incoming, ignore_errors=True)
                raise PackError("write", f"could not unpack into {pack_dir}: {exc}") from exc
            except BaseException:
                shutil.rmtree(incoming, ignore_errors=True)
                raise
            entry = Installed(
                id=manifest.id,
                version=manifest.version,
                folder=final.name,
                content_as_of=manifest.content_as_of,
                title=manifest.title,
                publisher=pack.publisher,
                key=pack.signer.id,
                installed=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                documents=tuple(manifest.documents()),
                removes=manifest.removes,
            )
            packs[manifest.id] = InstalledPack(
                entry, old.current if old else None, self.root, self.system
            )
            self._write(packs)  # the switch
            self._tidy(packs)
        return InstallReport(entry, old.current if old else None, changes)

    def rollback(self, pack_id: str | None = None) -> tuple[Installed, Installed]:
        """Back to the version installed before the current one; returns (the one
        now in use, the one rolled back)."""
        with self._locked():
            packs = self.packs()
            pack = packs[self._which(packs, pack_id)]
            if pack.previous is None:
                raise PackError(
                    "no-previous",
                    f"“{pack.current.display_title()}” has no earlier version to go back to.",
                )
            packs[pack.id] = InstalledPack(pack.previous, None, self.root, self.system)
            self._write(packs)
            self._tidy(packs)
        return pack.previous, pack.current

    def remove(self, pack_id: str) -> Installed:
        with self._locked():
            packs = self.packs()
            pack = packs.pop(self._which(packs, pack_id))
            self._write(packs)
            self._tidy(packs)
        return pack.current

    def _which(self, packs: Mapping[str, InstalledPack], pack_id: str | None) -> str:
        where = "for every user" if self.system else "for this user"
        if pack_id is None:
            if len(packs) == 1:
                return next(iter(packs))
            if not packs:
                raise PackError("not-installed", f"No pack is installed {where}.")
            raise PackError(
                "which", f"Several packs are installed; name one: {', '.join(sorted(packs))}."
            )
        if pack_id not in packs:
            raise PackError("not-installed", f"No pack '{pack_id}' is installed {where}.")
        return pack_id

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One change at a time. The lock is the system's (released when the process
        ends, however it ends), so a crash never leaves the store locked."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = (self.root / ".lock").open("a+b")
        except PermissionError as exc:
            raise _not_allowed(self.root) from exc
        except OSError as exc:
            raise PackError("write", f"cannot write to {self.root}: {exc}") from exc
        with handle:
            try:
                _lock(handle)
            except OSError as exc:
                raise PackError(
                    "busy", "Another update is being installed; try again when it is done."
                ) from exc
            yield

    def _write(self, packs: Mapping[str, InstalledPack]) -> None:
        import json

        data = {
            "format": FORMAT,
            "packs": {
                pack_id: {
                    "current": p.current.to_json(),
                    "previous": p.previous.to_json() if p.previous else None,
                }
                for pack_id, p in sorted(packs.items())
            },
        }
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        write_atomically(self.state_path, text.encode("utf-8"))

    def _tidy(self, packs: Mapping[str, InstalledPack]) -> None:
        """Remove what installed.json does not name: versions rolled back, removed or
        replaced twice over, and the leftovers of an install that was cut short."""
        import shutil

        for stale in self.root.glob(f"{STATE}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()
        for pack_dir in self.root.iterdir() if self.root.is_dir() else []:
            if pack_dir.name in (STATE, ".lock") or not _PACK_ID.match(pack_dir.name):
                continue
            pack = packs.get(pack_dir.name)
            if pack is None:
                shutil.rmtree(pack_dir, ignore_errors=True)
                continue
            keep = {pack.current.folder, pack.previous.folder if pack.previous else ""}
            for version in pack_dir.iterdir():
                if version.name not in keep:
                    if version.is_dir() and not version.is_symlink():
                        shutil.rmtree(version, ignore_errors=True)
                    else:
                        with contextlib.suppress(OSError):
                            version.unlink()


def _check_newer(manifest: Manifest, current: Installed) -> None:
    title = manifest.display_title()
    if manifest.version == current.version:
        raise PackError(
            "installed",
            f"Version {manifest.version} of “{title}” is already installed.",
        )
    if manifest.version < current.version:
        raise PackError(
            "older",
            f"This update is older (version {manifest.version}, content as of "
            f"{manifest.content_as_of.isoformat()}) than the one installed (version "
            f"{current.version}, content as of {current.content_as_of.isoformat()}). "
            "It was not installed.",
        )


def _unpack(path: Path, manifest: Manifest, dest: Path) -> None:
    """Write the pack's files into `dest` (new), checking each as it is written; the
    zip is read again, in case it changed since it was verified."""
    with _open_zip(path) as zf:
        entries = _check_entries(zf)
        dest.mkdir()
        for entry in manifest.files:
            info = entries.get(CONTENT + entry.path)
            if info is None:
                raise PackError("missing", f"'{entry.path}' is no longer in the update.")
            target = dest.joinpath(*entry.path.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as source, target.open("xb") as out:
                size, digest = _copy(source, out, entry.size)
                out.flush()
                os.fsync(out.fileno())
            _check_digest(entry, size, digest)
    for folder in sorted({p.parent for p in dest.rglob("*")}, key=lambda p: -len(p.parts)):
        fsync_folder(folder)


def _copy(source: IO[bytes], out: IO[bytes], limit: int) -> tuple[int, str]:
    import hashlib

    hasher = hashlib.sha256()
    size = 0
    while size <= limit:
        chunk = source.read(min(65536, limit + 1 - size))
        if not chunk:
            break
        size += len(chunk)
        hasher.update(chunk)
        out.write(chunk)
    return size, hasher.hexdigest()


def verify_folder(folder: Path, manifest: Manifest) -> None:
    """The unpacked files are exactly the manifest's, each as signed."""
    expected = {f.path: f for f in manifest.files}
    found: set[str] = set()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            raise PackError("special-file", f"'{rel}' is not a plain file after unpacking.")
        if path.is_dir():
            continue
        entry = expected.get(rel)
        if entry is None:
            raise PackError("not-listed", f"'{rel}' appeared in the unpacked update.")
        with path.open("rb") as f:
            size, digest = _digest(f, entry.size)
        _check_digest(entry, size, digest)
        found.add(rel)
    missing = sorted(set(expected) - found)
    if missing:
        raise PackError("missing", f"'{missing[0]}' is missing after unpacking.")


def _lock(handle: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _not_allowed(folder: Path) -> PackError:
    return PackError(
        "not-allowed",
        f"OncoRef may not write to {folder}. Installing for every user of this computer "
        "needs an administrator.",
    )


def store(system: bool = False) -> PackStore:
    return PackStore.system_wide() if system else PackStore.user()


def installed_packs() -> tuple[list[InstalledPack], list[tuple[Path, str]]]:
    """The packs the library reads (for every user of the computer and for this
    user; where one pack is in both, the newer version, this user's on a tie), and
    what could not be read. A start with no pack installed costs two `stat`s."""
    found: dict[str, InstalledPack] = {}
    problems: list[tuple[Path, str]] = []
    for each in (PackStore.user(), PackStore.system_wide()):
        try:
            packs = each.packs()
        except PackError as exc:
            problems.append((each.state_path, exc.message))
            continue
        for pack_id, pack in packs.items():
            have = found.get(pack_id)
            if have is None or pack.current.version > have.current.version:
                found[pack_id] = pack
    return sorted(found.values(), key=lambda p: p.id), problems


def all_installed() -> list[InstalledPack]:
    """Every installed pack in both stores, this user's first (for `pack list`)."""
    packs: list[InstalledPack] = []
    for each in (PackStore.user(), PackStore.system_wide()):
        with contextlib.suppress(PackError):
            packs += sorted(each.packs().values(), key=lambda p: p.id)
    return packs
