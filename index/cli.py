"""`oncoref`'s commands: the same session as the window, from a terminal or a script.

The `oncoref` program itself (desktop.main) opens the window when no command
is given and otherwise runs one of these. Printing a handout needs Qt's text
layout, so `print` is handed a HandoutWriter by the program; the core never
imports the window.

Exit codes: 0 done; 1 `check` found errors (or `define` found none of the
terms); 2 the command line was wrong; 3 the document asked for does not exist;
4 the index could not be built or opened; 5 the handout could not be written;
6 a library pack was refused (see index/pack_cli.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from index import __version__
from index.model import GlossaryEntry, Problem, SearchResult, SectionKind, Severity

if TYPE_CHECKING:
    from index.render.handout import Handout
    from index.session import Session

# The core (Whoosh, the loaders), and even json, is imported where a command needs
# it, so that `oncoref` opening the window does not wait for it: the window loads
# the core on a thread.

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_INDEX, EXIT_WRITE = 0, 1, 2, 3, 4, 5


class HandoutWriter(Protocol):
    """What `print` needs from the program: the clinic's details as set in the
    window, and a PDF made from a handout (returns its number of pages)."""

    def clinic_details(self) -> tuple[str, str]: ...

    def save_pdf(self, handout: Handout, path: Path) -> int: ...


def _global_options(suppress: bool) -> argparse.ArgumentParser:
    """Options allowed before or after the command. After it, they must not reset
    what was given before it, hence SUPPRESS as their default there."""
    common = argparse.ArgumentParser(add_help=False)

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    common.add_argument(
        "--library",
        action="append",
        type=Path,
        default=default([]),
        metavar="DIR",
        help="also read documents from DIR (repeatable); the folders added in the "
        "window's Settings are read too",
    )
    common.add_argument(
        "--no-bundled",
        action="store_true",
        default=default(False),
        help="leave out the documents that come with OncoRef",
    )
    common.add_argument(
        "--index-dir",
        type=Path,
        metavar="DIR",
        default=default(None),
        help="keep the search index in DIR instead of the cache folder",
    )
    common.add_argument(
        "--no-settings-folders",
        action="store_true",
        default=default(False),
        help="commands: leave out the folders added in the window's Settings",
    )
    return common


def _parser(commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line; without `commands`, only what opening the window takes
    (no help, and no exit on a mistake: --help and errors reach the whole parser)."""
    parser = argparse.ArgumentParser(
        prog="oncoref",
        parents=[_global_options(suppress=False)],
        description="Offline cancer information: browse, search, define, check.",
        epilog="`oncoref` alone opens the window; no COMMAND opens it. "
        "`oncoref COMMAND --help` says more about each command.",
        add_help=commands,
        exit_on_error=commands,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"oncoref {__version__}",
        help="print the version and exit",
    )
    parser.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="open the window, say when it was usable, and quit",
    )
    if not commands:
        parser.set_defaults(command=None)
        return parser
    common = _global_options(suppress=True)
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", help="what to do (the window is not opened)"
    )

    p = sub.add_parser("list", parents=[common], help="the documents in the library")
    p.add_argument("--json", action="store_true", help="print JSON (see README, JSON output)")

    p = sub.add_parser("outline", parents=[common], help="the section tree of one document")
    p.add_argument("doc", metavar="DOC", help="the document's id (see `oncoref list`)")
    p.add_argument("--json", action="store_true", help="print JSON (see README, JSON output)")

    p = sub.add_parser("show", parents=[common], help="the text of a document, as loaded")
    p.add_argument("doc", metavar="DOC", help="the document's id (see `oncoref list`)")
    p.add_argument("--section", metavar="ID", help="only this section (without its subsections)")
    p.add_argument("--json", action="store_true", help="print JSON (see README, JSON output)")

    p = sub.add_parser("search", parents=[common], help="search the library")
    p.add_argument("query", nargs="?", metavar="QUERY", help="words to look for")
    p.add_argument(
        "--batch", type=Path, metavar="FILE", help="one query a line; - for standard input"
    )
    p.add_argument(
        "--limit", type=int, default=10, metavar="N", help="at most N results (default 10)"
    )
    p.add_argument(
        "--type",
        action="append",
        default=[],
        metavar="T",
        dest="types",
        help="only this cancer type (may be given more than once)",
    )
    p.add_argument("--json", action="store_true", help="print JSON (see README, JSON output)")

    p = sub.add_parser("define", parents=[common], help="look words up in the glossary")
    p.add_argument("terms", nargs="+", metavar="TERM", help="a word or phrase to explain")
    p.add_argument("--json", action="store_true", help="print JSON (see README, JSON output)")

    p = sub.add_parser("check", parents=[common], help="validate documents; exit 1 on any error")
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders to check (default: the whole library)",
    )
    p.add_argument("--json", action="store_true", help="print JSON (see README, JSON output)")

    p = sub.add_parser("print", parents=[common], help="a handout of a document, as a PDF")
    p.add_argument("doc", metavar="DOC", help="the document's id (see `oncoref list`)")
    p.add_argument(
        "--section",
        action="append",
        dest="sections",
        metavar="ID",
        help="a section to print, with the sections inside it (repeatable; default: all)",
    )
    p.add_argument("--large-print", action="store_true", help="16 pt text and more space")
    p.add_argument(
        "--paper",
        choices=["A4", "Letter"],
        help="paper size (default: as chosen in the window, else the usual one where you are)",
    )
    p.add_argument("--no-glossary", action="store_true", help='leave out "Words to know"')
    p.add_argument("--clinic", help="the clinic's name (default: the one set in the window)")
    p.add_argument("--phone", help="the clinic's phone number (default: as set)")
    p.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE.pdf", help="where to save it"
    )
    p.add_argument("--force", action="store_true", help="replace FILE.pdf if it exists")

    p = sub.add_parser("index", parents=[common], help="build or update the search index")
    p.add_argument("--rebuild", action="store_true", help="build it again from scratch")

    from index import pack_cli

    pack_cli.add_parser(sub, common)
    return parser


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line; `command` is None when it asks for the window. A mistake
    exits with the whole parser's usage (exit code 2)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # Opening the window needs none of the commands' parsers, which take a few
    # milliseconds of start-up to build; anything else is parsed in full.
    try:
        args, rest = _parser(commands=False).parse_known_args(argv)
    except argparse.ArgumentError:
        rest = argv
    if rest:
        args = _parser().parse_args(argv)
    return args


def run(args: argparse.Namespace, handouts: HandoutWriter | None = None) -> int:
    """Run the command in `args` (not None) and return its exit code."""
    for stream in (sys.stdout, sys.stderr):
        # A file name that is not valid UTF-8 (or text the terminal's encoding lacks)
        # is printed escaped, never a UnicodeEncodeError.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        return _dispatch(args, handouts)
    except BrokenPipeError:  # `oncoref list | head`
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m index.cli COMMAND`: the commands without the window."""
    args = parse(argv)
    if args.command is None:
        _parser().print_usage(sys.stderr)
        print("oncoref: give a command (the window is opened by `oncoref`).", file=sys.stderr)
        return EXIT_USAGE
    return run(args)


def _dispatch(args: argparse.Namespace, handouts: HandoutWriter | None) -> int:
    if args.command == "check" and args.paths:
        return _check_paths(args.paths, args.json)
    if args.command == "pack":
        from index import pack_cli

        return pack_cli.run(args)
    from index.session import open_session

    # The window's start-up snapshot serves the commands too (the same folders give
    # the same index and snapshot): a large library is not read again for each
    # command. Not beside an index folder named on the command line, which is the
    # only place a person asked us to write to.
    session = open_session(
        args.library,
        bundled=not args.no_bundled,
        index_dir=args.index_dir,
        use_snapshot=args.index_dir is None,
    )
    try:
        if args.command == "print":
            code = _print(session, args, handouts)
        else:
            handler = {
                "list": _list,
                "outline": _outline,
                "show": _show,
                "search": _search,
                "define": _define,
                "check": _check,
                "index": _index,
            }[args.command]
            code = handler(session, args)
        session.save_snapshot()  # when the library was read: the next command need not
        return code
    finally:
        session.close()


# -- commands -------------------------------------------------------------------


def _list(session: Session, args: argparse.Namespace) -> int:
    rows: list[dict[str, Any]] = [
        {
            "doc": d.id,
            "title": d.title,
            "types": [session.taxonomy.canonical(t) for t in d.meta.cancer_types],
            "source": d.meta.source,
            "sections": len(d.sections),
        }
        for d in session.library.documents
    ]
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            types = ", ".join(row["types"]) or "no cancer type"
            print(
                _safe(
                    f"{row['doc']}\n    {row['title']}\n"
                    f"    {types} · {row['source'] or 'unknown source'}"
                    f" · {row['sections']} sections"
                )
            )
        _warn_problems(session)
    return EXIT_OK


def _outline(session: Session, args: argparse.Namespace) -> int:
    document = session.library.find(args.doc)
    if document is None:
        print(f"oncoref: no document '{args.doc}'. `oncoref list` shows them all.", file=sys.stderr)
        return EXIT_NOT_FOUND
    if args.json:
        _print_json(
            {
                "doc": document.id,
                "title": document.title,
                "sections": [
                    {"id": s.id, "heading": s.heading, "level": s.level, "parent": s.parent}
                    for s in document.sections
                ],
            }
        )
        return EXIT_OK
    from index.meta import review_overdue

    meta = document.meta
    print(_safe(document.title))
    facts = [meta.source, meta.audience and f"for {meta.audience}s"]
    if meta.last_reviewed:
        overdue = " (review overdue)" if review_overdue(meta) else ""
        facts.append(f"last reviewed {meta.last_reviewed.isoformat()}{overdue}")
    else:
        facts.append("date not stated")
    print(_safe("  " + " · ".join(f for f in facts if f)))
    for section in document.sections:
        marker = "💬 " if section.kind is SectionKind.COMMENTS else ""
        print(_safe(f"{'  ' * section.level}{marker}{section.heading}  [{section.id}]"))
    return EXIT_OK


def _show(session: Session, args: argparse.Namespace) -> int:
    """Each section's own text as the library loaded it (what search and handouts use)."""
    document = session.library.find(args.doc)
    if document is None:
        print(f"oncoref: no document '{args.doc}'. `oncoref list` shows them all.", file=sys.stderr)
        return EXIT_NOT_FOUND
    sections = document.sections
    if args.section is not None:
        sections = [s for s in sections if s.id == args.section]
        if not sections:
            print(
                f"oncoref: document '{document.id}' has no section '{args.section}'."
                f" `oncoref outline {document.id}` shows them.",
                file=sys.stderr,
            )
            return EXIT_NOT_FOUND
    from index.render.plain import plain_text

    texts = [plain_text(s.body) for s in sections]
    if args.json:
        rows = [
            {"id": s.id, "heading": s.heading, "level": s.level, "parent": s.parent, "text": t}
            for s, t in zip(sections, texts, strict=True)
        ]
        shown = {"doc": document.id, "title": document.title, "format": document.format}
        _print_json({**shown, "sections": rows})
        return EXIT_OK
    if args.section is None:
        print(document.title)
        print("=" * min(len(document.title), 79))
    for section, text in zip(sections, texts, strict=True):
        print()
        print("#" * section.level, section.heading)
        if text:
            print()
            print(text)
    return EXIT_OK


def _search(session: Session, args: argparse.Namespace) -> int:
    if (args.query is None) == (args.batch is None):
        print("oncoref search: give a QUERY or --batch FILE (not both)", file=sys.stderr)
        return EXIT_USAGE
    if args.batch is not None and not args.json:
        print("oncoref search: --batch answers in JSON lines; add --json", file=sys.stderr)
        return EXIT_USAGE
    try:
        session.searcher(progress=_progress)
    except Exception as exc:
        print(
            f"oncoref: the search index could not be built in {session.index_dir}: {exc}",
            file=sys.stderr,
        )
        return EXIT_INDEX
    if args.batch is not None:
        stream = sys.stdin if str(args.batch) == "-" else None
        try:
            handle = stream or args.batch.open(encoding="utf-8", errors="replace")
        except OSError as exc:
            print(f"oncoref: cannot read {args.batch}: {exc.strerror}", file=sys.stderr)
            return EXIT_USAGE
        with handle:
            for line in handle:
                query = line.rstrip("\n")
                result = session.search(
                    query, limit=args.limit, types=args.types, prefix=False, snippets=args.limit
                )
                _print_json(_result_json(result), one_line=True)
        _report_repairs(session)
        return EXIT_OK
    result = session.search(
        args.query, limit=args.limit, types=args.types, prefix=False, snippets=args.limit
    )
    _report_repairs(session)
    if args.json:
        _print_json(_result_json(result))
    else:
        _print_result(result, sys.stdout)
    return EXIT_OK


def _define(session: Session, args: argparse.Namespace) -> int:
    rows = []
    for term in args.terms:
        entry = session.glossary.lookup(term)
        rows.append({"query": term, "found": entry is not None, **_entry_json(entry)})
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            if not row["found"]:
                print(f"{row['query']}: not in the glossary.")
                continue
            print(f"{row['term']}")
            print(f"    {row['definition']}")
            if row["aliases"]:
                print(f"    Also called: {', '.join(row['aliases'])}")
            if row["related"]:
                print(f"    See also: {', '.join(row['related'])}")
        if any(r["found"] for r in rows):
            from index.glossary import DEFINITIONS_LABEL

            print(f"({DEFINITIONS_LABEL}.)")
    return EXIT_OK if any(r["found"] for r in rows) else EXIT_PROBLEMS


def _check(session: Session, args: argparse.Namespace) -> int:
    return _report_problems(session.problems, len(session.library.documents), args.json)


def _check_paths(paths: list[Path], as_json: bool) -> int:
    """Check files or folders given on the command line, outside any library."""
    from index.library import load_guarded, load_library

    problems: list[Problem] = []
    count = 0
    for path in paths:
        if path.is_dir():
            library = load_library([path])
            problems.extend(library.problems)
            count += len(library.documents)
        elif path.is_file():
            document, found = load_guarded(path, path.stem, None)
            problems.extend(found)
            count += document is not None
        elif path.exists():
            problems.append(Problem(path, "not a regular file", "nothing checked"))
        else:
            problems.append(Problem(path, "no such file or folder", "nothing checked"))
    return _report_problems(problems, count, as_json)


def _report_problems(problems: list[Problem], documents: int, as_json: bool) -> int:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if as_json:
        _print_json(
            {
                "documents": documents,
                "problems": [
                    {
                        "path": str(p.path),
                        "line": p.line,
                        "field": p.field,
                        "severity": p.severity.value,
                        "message": p.message,
                        "action": p.action,
                    }
                    for p in problems
                ],
            }
        )
    else:
        for problem in problems:
            print(problem)
        warnings = len(problems) - len(errors)
        print(f"{documents} documents read; {len(errors)} errors, {warnings} warnings.")
    return EXIT_PROBLEMS if errors else EXIT_OK


def _print(session: Session, args: argparse.Namespace, handouts: HandoutWriter | None) -> int:
    """The same handout as the window prints, made without a window."""
    document = session.library.find(args.doc)
    if document is None:
        print(f"oncoref: no document '{args.doc}'. `oncoref list` shows them all.", file=sys.stderr)
        return EXIT_NOT_FOUND
    from index.render.handout import HandoutOptions, UnknownSection, build_handout

    if handouts is None:
        print("oncoref: printing needs the OncoRef program (`oncoref print`).", file=sys.stderr)
        return EXIT_USAGE
    clinic, phone = handouts.clinic_details()
    options = HandoutOptions(
        sections=args.sections,
        large_print=args.large_print,
        words_to_know=not args.no_glossary,
        clinic=clinic if args.clinic is None else args.clinic,
        phone=phone if args.phone is None else args.phone,
    )
    try:
        handout = build_handout(session.renderer(), document, options)
    except UnknownSection as exc:
        print(f"oncoref: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    if args.output.exists() and not args.force:
        print(
            f"oncoref: {args.output} exists; add --force to replace it.",
            file=sys.stderr,
        )
        return EXIT_WRITE
    try:
        pages = handouts.save_pdf(handout, args.output)
    except OSError as exc:
        print(f"oncoref: could not write {args.output}: {exc}", file=sys.stderr)
        return EXIT_WRITE
    count = len(handout.sections)
    print(f"{args.output}: {pages} page{'s' * (pages != 1)}, {count} section{'s' * (count != 1)}")
    return EXIT_OK


def _index(session: Session, args: argparse.Namespace) -> int:
    try:
        session.searcher(progress=_progress, rebuild=args.rebuild)
    except Exception as exc:
        print(
            f"oncoref: the search index could not be built in {session.index_dir}: {exc}",
            file=sys.stderr,
        )
        return EXIT_INDEX
    report = session.index_report
    assert report is not None
    changes = len(report.added) + len(report.changed) + len(report.removed)
    if report.prebuilt is not None:
        print(
            f"Bundled library: the prebuilt index, {report.prebuilt_sections} sections "
            f"(read-only).\n  {report.prebuilt}"
        )
    elif report.prebuilt_note:
        print(f"The prebuilt index was not used ({report.prebuilt_note}).")
    if report.prebuilt is None or report.sections or report.action != "opened":
        detail = {
            "built": f"built from scratch: {report.sections} sections ({report.reason})",
            "updated": f"updated {changes} documents; {report.sections} sections",
            "opened": f"up to date: {report.sections} sections",
        }[report.action]
        print(f"Index {detail}, in {report.seconds:.2f} s.\n  {session.index_dir}")
    _warn_problems(session)
    return EXIT_OK


# -- output ---------------------------------------------------------------------


def _entry_json(entry: GlossaryEntry | None) -> dict[str, Any]:
    return {
        "term": entry.term if entry else None,
        "definition": entry.definition if entry else None,
        "aliases": list(entry.aliases) if entry else [],
        "related": list(entry.related) if entry else [],
        "nci_id": entry.nci_id if entry else None,
    }


def _result_json(result: SearchResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "did_you_mean": result.did_you_mean,
        "definition": _entry_json(result.definition) if result.definition else None,
        "notice": result.notice,
        "hits": [
            {
                "doc": h.doc,
                "title": h.title,
                "section": h.section,
                "heading": h.heading,
                "path": h.path,
                "score": h.score,
                "snippet": h.snippet,
                "source": h.source,
                "source_kind": h.source_kind,
            }
            for h in result.hits
        ],
    }


def _print_result(result: SearchResult, out: TextIO) -> None:
    bold = out.isatty()
    if result.notice:
        print(_safe(result.notice + "\n"), file=out)
    if result.definition:
        print(_safe(f"{result.definition.term}: {result.definition.definition}\n"), file=out)
    if result.message:
        print(_safe(result.message + "\n"), file=out)
    elif result.did_you_mean:
        print(_safe(f"Did you mean: {result.did_you_mean}\n"), file=out)
    last_doc = None
    for hit in result.hits:
        if hit.doc != last_doc:
            source = f"  {hit.source} · {hit.source_kind}" if hit.source else ""
            print(_safe(f"{hit.title}  [{hit.doc}]{source}"), file=out)
            last_doc = hit.doc
        print(_safe(f"  § {' › '.join(hit.path)}  [#{hit.section}]"), file=out)
        print(f"    {_terminal_snippet(hit.snippet, bold)}", file=out)


def _terminal_snippet(snippet: str, bold: bool) -> str:
    import html
    import re

    on, off = ("\033[1m", "\033[0m") if bold else ("*", "*")
    parts = re.split(r"<b>(.*?)</b>", snippet)  # text, matched word, text, ...
    return "".join(
        on + _safe(html.unescape(part)) + off if n % 2 else _safe(html.unescape(part))
        for n, part in enumerate(parts)
    )


# Control characters (terminal escape sequences among them) in what documents say.
_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]}


def _safe(text: str) -> str:
    """Text from documents for a terminal: control characters shown as `\\x1b` and
    the like, never sent raw (an escape sequence in a title must not drive it)."""
    return text.translate(_CONTROL)


def _print_json(data: Any, *, one_line: bool = False) -> None:
    import json

    if one_line:
        print(json.dumps(data, ensure_ascii=False), flush=True)
    else:
        print(json.dumps(data, ensure_ascii=False, indent=2))


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _report_repairs(session: Session) -> None:
    for repair in session.repairs:
        print(f"oncoref: {repair}", file=sys.stderr)


def _warn_problems(session: Session) -> None:
    if session.problems:
        print(
            f"\n{len(session.problems)} problems with documents; `oncoref check` lists them.",
            file=sys.stderr,
        )


if __name__ == "__main__":
    raise SystemExit(main())
