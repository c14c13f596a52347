"""Shared by the benchmarks: corpora, query sets and timing helpers."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
MEDQUAD = ROOT.parent / "shared" / "corpus" / "medquad-cancergov"

# Queries people type into the bundled library (fixed, so runs compare).
BUNDLED_QUERIES = [
    "gleevec side effects",
    "tumour",
    "imatinab",
    "small bowel",
    "what is msi-h",
    "blocked bowel stent",
    "chemo",
    "surgery for small gist",
    "radiation therapy",
    "clinical trials",
    "neuroendocrine",
    "folfox",
    "targeted therapy",
    "prognosis",
    "ablation liver",
    "running the bowel",
    "immunotherapy keytruda",
    "recurrent",
    "laparoscopic",
    "embolization side effects",
]


def medquad_questions(limit: int | None = None) -> list[dict[str, str]]:
    lines = (MEDQUAD / "qrels.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    return rows[:limit] if limit else rows


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    value = fn()
    return (time.perf_counter() - start) * 1000.0, value


def summary_ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
        "queries": len(ordered),
    }
