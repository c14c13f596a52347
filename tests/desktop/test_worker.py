"""The worker runs only the newest search and never sends a superseded answer."""

from __future__ import annotations

from typing import Any

from desktop.worker import SessionWorker
from index.model import SearchResult


class FakeSession:
    """Records the searches run; `during` runs while one is running."""

    def __init__(self) -> None:
        self.ran: list[str] = []
        self.during: Any = None

    def search(self, text: str, types: list[str]) -> SearchResult:
        self.ran.append(text)
        if self.during is not None:
            self.during()
        return SearchResult(text, [])


def worker_with(session: FakeSession) -> tuple[SessionWorker, list[tuple[int, str]]]:
    worker = SessionWorker(bundled=False, index_dir=None)
    worker.session = session  # type: ignore[assignment]
    sent: list[tuple[int, str]] = []
    worker.results.connect(lambda serial, result: sent.append((serial, result.query)))
    return worker, sent


def test_a_search_superseded_before_it_runs_is_skipped() -> None:
    session = FakeSession()
    worker, sent = worker_with(session)
    worker.supersede(2)  # the person typed on before the worker got to query 1
    worker.search(1, "gle", [])
    worker.search(2, "gleevec", [])
    assert session.ran == ["gleevec"]
    assert sent == [(2, "gleevec")]


def test_an_answer_superseded_while_it_ran_is_not_sent() -> None:
    session = FakeSession()
    worker, sent = worker_with(session)
    worker.supersede(1)
    session.during = lambda: worker.supersede(2)  # a keystroke arrives mid-search
    worker.search(1, "gle", [])
    assert session.ran == ["gle"] and sent == []


def test_a_failing_search_is_an_answer_that_says_so() -> None:
    class Broken(FakeSession):
        def search(self, text: str, types: list[str]) -> SearchResult:
            raise OSError("disk gone")

    worker = SessionWorker(bundled=False, index_dir=None)
    worker.session = Broken()  # type: ignore[assignment]
    got: list[SearchResult] = []
    worker.results.connect(lambda _serial, result: got.append(result))
    worker.search(1, "gleevec", [])
    assert got and got[0].message is not None and "disk gone" in got[0].message
