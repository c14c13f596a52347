"""Index the bundled library for a package: `python packaging/prebuild_index.py DIR`.

The bundle ships DIR as resources/index; the program opens it read-only while
it matches the bundled documents. A bundled library with errors stops the build.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from index.search.store import build_prebuilt
from index.session import open_session


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: prebuild_index.py DIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    session = open_session()  # the bundled library alone
    try:
        if session.problems:
            for problem in session.problems:
                print(problem, file=sys.stderr)
            print("The bundled library has problems; fix them before packaging.", file=sys.stderr)
            return 1
        shutil.rmtree(out, ignore_errors=True)
        report = build_prebuilt(session.library, session.taxonomy, out)
    finally:
        session.close()
    print(
        f"Prebuilt index: {len(report.added)} documents, {report.sections} sections, "
        f"{report.seconds:.2f} s, in {out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
