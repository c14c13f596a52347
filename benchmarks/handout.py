"""Handouts: time to make the large-print PDF of the whole NCI seed document.

Measured in one process (offscreen Qt, the library already open): building the
handout (HTML, "Words to know"), laying it out with the page-break rules, and
writing the PDF. Also the same handout in normal print. Prints JSON.

    python -m benchmarks.handout [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

NCI = "nci-small-intestine-cancer-treatment"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.handout import offscreen_application, save_pdf
    from index.render.document import DocumentRenderer
    from index.render.handout import HandoutOptions, build_handout
    from index.session import open_session

    offscreen_application()
    session = open_session()
    doc = session.library.get(NCI)
    assert doc is not None, f"{NCI} is not in the bundled library"
    renderer = DocumentRenderer(session.glossary)
    out = Path(tempfile.mkdtemp(prefix="oncoref-handout-")) / "handout.pdf"
    report: dict[str, object] = {"benchmark": "handout", "document": NCI, "runs": args.runs}
    for name, large in (("large_print", True), ("normal_print", False)):
        times, pages = [], 0
        for _ in range(args.runs):
            start = time.perf_counter()
            handout = build_handout(renderer, doc, HandoutOptions(large_print=large))
            pages = save_pdf(handout, out)
            times.append(time.perf_counter() - start)
        report[name] = {
            "median_ms": round(1000 * statistics.median(times), 1),
            "max_ms": round(1000 * max(times), 1),
            "pages": pages,
            "sections": len(handout.sections),
            "words_to_know": len(handout.words),
            "pdf_bytes": out.stat().st_size,
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
