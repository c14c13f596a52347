"""`oncoref pack ...`: make, check, install and manage library packs.

Exit codes as the other commands', and 6 when a pack is refused (or a pack
command cannot be done); nothing has changed then.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

EXIT_OK, EXIT_USAGE, EXIT_REFUSED = 0, 2, 6


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """The `pack` command and its own commands."""
    pack = sub.add_parser(
        "pack", help="library packs: signed content updates (build, verify, install, ...)"
    )
    commands = pack.add_subparsers(
        dest="pack_command", metavar="PACK_COMMAND", required=True, help="what to do with packs"
    )

    p = commands.add_parser("build", help="make a signed pack from a folder of documents")
    p.add_argument("folder", type=Path, metavar="DIR", help="the documents and pack.yaml")
    p.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE.oncopack", help="the pack to make"
    )
    p.add_argument("--key", type=Path, required=True, metavar="KEY", help="the private key")
    p.add_argument("--id", dest="pack_id", metavar="ID", help="default: `id:` in DIR/pack.yaml")
    p.add_argument("--version", type=int, metavar="N", help="default: `version:` in pack.yaml")
    p.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the date the content is current as of (default: pack.yaml's, or today)",
    )
    p.add_argument("--title", help="default: `title:` in pack.yaml")
    p.add_argument("--publisher", help="default: `publisher:` in pack.yaml, or the key's name")

    p = commands.add_parser("verify", help="check a pack's signature and every file in it")
    p.add_argument("file", type=Path, metavar="FILE.oncopack", help="the pack to check")

    p = commands.add_parser(
        "install", parents=[common], help="verify a pack, then switch the library to it"
    )
    p.add_argument("file", type=Path, metavar="FILE.oncopack", help="the pack to install")
    p.add_argument(
        "--system", action="store_true", help="for every user of this computer (administrator)"
    )
    p.add_argument(
        "--allow-downgrade",
        action="store_true",
        help="install even if this version is not newer than the installed one",
    )

    commands.add_parser("list", help="the installed packs")

    p = commands.add_parser("rollback", help="go back to a pack's previous version")
    p.add_argument("pack_id", nargs="?", metavar="ID", help="needed when several are installed")
    p.add_argument("--system", action="store_true", help="a pack installed for every user")

    p = commands.add_parser("remove", help="uninstall a pack")
    p.add_argument("pack_id", metavar="ID", help="the pack's id (see `oncoref pack list`)")
    p.add_argument("--system", action="store_true", help="a pack installed for every user")

    p = commands.add_parser("keygen", help="make a signing key; prints the public key")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="KEYFILE",
        help="the private key to write",
    )
    p.add_argument("--name", default="", help="who signs with it, e.g. the clinic's name")

    p = commands.add_parser("trust", help="trust packs signed with this public key")
    p.add_argument("key", metavar="PUBLICKEY", help="the key's line, or a .pub file")
    p.add_argument("--system", action="store_true", help="for every user of this computer")


def run(args: argparse.Namespace) -> int:
    from index.packs import PackError

    try:
        return {
            "build": _build,
            "verify": _verify,
            "install": _install,
            "list": _list,
            "rollback": _rollback,
            "remove": _remove,
            "keygen": _keygen,
            "trust": _trust,
        }[args.pack_command](args)
    except PackError as exc:
        print(f"oncoref pack {args.pack_command}: {exc.message}", file=sys.stderr)
        if exc.reason == "unknown-key":
            print(
                "If it comes from your clinic, trust the clinic's key first: "
                "oncoref pack trust KEY.pub",
                file=sys.stderr,
            )
        elif exc.reason in ("older", "installed"):
            print("To install it anyway, add --allow-downgrade.", file=sys.stderr)
        return EXIT_REFUSED


def _build(args: argparse.Namespace) -> int:
    from index.packs import build_pack

    report = build_pack(
        args.folder,
        args.output,
        args.key,
        pack_id=args.pack_id,
        version=args.version,
        content_as_of=args.as_of,
        title=args.title,
        publisher=args.publisher,
    )
    m = report.manifest
    for name in report.left_out:
        print(f"left out (not a document): {name}", file=sys.stderr)
    print(
        f"{args.output}: {m.id} version {m.version}, content as of "
        f"{m.content_as_of.isoformat()}, {len(m.documents())} documents, "
        f"{len(m.removes)} removed; signed with key {m.key}"
    )
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    from index.packs import verify_pack

    pack = verify_pack(args.file)
    m = pack.manifest
    print(f"{args.file}: good. Signed by {pack.signer.label()}, trusted here.")
    print(f"  {m.display_title()} ({m.id}), version {m.version}")
    print(f"  Publisher: {pack.publisher}")
    print(f"  Content as of {m.content_as_of.isoformat()}; needs OncoRef {m.min_oncoref}+")
    print(f"  {len(m.files)} files, each as signed: {len(m.documents())} documents")
    if m.removes:
        print(f"  Removes: {', '.join(m.removes)}")
    return EXIT_OK


def _install(args: argparse.Namespace) -> int:
    from index.packs import store
    from index.session import open_session

    bundled = not args.no_bundled
    before = open_session(args.library, bundled=bundled, index_dir=args.index_dir)
    library = {d.id: d.path for d in before.library.documents}
    before.close()
    report = store(args.system).install(
        args.file, allow_downgrade=args.allow_downgrade, library=library
    )
    new, old, changes = report.installed, report.previous, report.changes
    was = f" (was version {old.version})" if old else ""
    where = "every user of this computer" if args.system else "this user"
    print(
        f"Installed {new.display_title()} version {new.version}{was}, content as of "
        f"{new.content_as_of.isoformat()}, for {where}."
    )
    for label, docs in (
        ("added", changes.added),
        ("changed", changes.changed),
        ("removed", changes.removed),
    ):
        count = f"{len(docs)} document{'s' * (len(docs) != 1)}"
        print(f"  {count} {label}" + (f": {', '.join(docs)}" if docs else ""))
    # The index follows the library: only the documents that changed are indexed.
    session = open_session(args.library, bundled=bundled, index_dir=args.index_dir)
    try:
        session.searcher(progress=lambda m: print(m, file=sys.stderr, flush=True))
    except Exception as exc:
        print(f"The search index will be brought up to date later ({exc}).", file=sys.stderr)
    finally:
        session.close()
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from index.packs import all_installed

    packs = all_installed()
    if not packs:
        print("No library packs are installed.")
    for pack in packs:
        c = pack.current
        where = "every user" if pack.system else "this user"
        back = f"; can roll back to version {pack.previous.version}" if pack.previous else ""
        print(f"{c.id}: {c.display_title()}, version {c.version}")
        print(
            f"    content as of {c.content_as_of.isoformat()} · {c.publisher or 'no publisher'}"
            f" · {len(c.documents)} documents · for {where}{back}"
        )
    return EXIT_OK


def _rollback(args: argparse.Namespace) -> int:
    from index.packs import store

    now, gone = store(args.system).rollback(args.pack_id)
    print(
        f"{now.display_title()}: back to version {now.version} (content as of "
        f"{now.content_as_of.isoformat()}); version {gone.version} removed."
    )
    return EXIT_OK


def _remove(args: argparse.Namespace) -> int:
    from index.packs import store

    gone = store(args.system).remove(args.pack_id)
    print(f"Removed {gone.display_title()} (version {gone.version}).")
    return EXIT_OK


def _keygen(args: argparse.Namespace) -> int:
    from index.packs import generate_key

    key = generate_key(args.output, args.name)
    print(key.text())
    print(
        f"Private key: {args.output} (keep it safe and off the clinic's computers; "
        f"anyone who has it can sign packs)\nPublic key: {key.source} (key {key.id})",
        file=sys.stderr,
    )
    return EXIT_OK


def _trust(args: argparse.Namespace) -> int:
    from index.packs import trust_key

    key = trust_key(args.key, system=args.system)
    print(f"Trusted {key.label()}: packs it signs can be installed. Saved in {key.source}")
    return EXIT_OK
