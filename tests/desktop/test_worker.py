"""The worker runs only the newest search and never sends a superseded answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from desktop.worker import FIRST_SNIPPETS, SNIPPET_BATCH, SessionWorker
from index.model import Cancelled, SearchHit, SearchResult


class FakeSession:
    """Records the searches run; `during` runs while one is running."""

    def __init__(self) -> None:
        self.ran: list[str] = []
        self.during: Any = None

    def search(self, text: str, types: list[str], **_: Any) -> SearchResult:
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
        def search(self, text: str, types: list[str], **_: Any) -> SearchResult:
            raise OSError("disk gone")

    worker = SessionWorker(bundled=False, index_dir=None)
    worker.session = Broken()  # type: ignore[assignment]
    got: list[SearchResult] = []
    worker.results.connect(lambda _serial, result: got.append(result))
    worker.search(1, "gleevec", [])
    assert got and got[0].message is not None and "disk gone" in got[0].message


def _hit(n: int, snippet: str) -> SearchHit:
    return SearchHit(f"doc{n}", "Title", f"s{n}", "Heading", ["Heading"], 1.0, snippet)


class SnippetSession(FakeSession):
    """Answers with 30 hits, the first `snippets` with their snippet; records the
    rows whose snippets were asked for later and whether the search could be stopped."""

    def __init__(self) -> None:
        super().__init__()
        self.later: list[list[int]] = []
        self.cancelled: Any = None

    def search(self, text: str, types: list[str], **options: Any) -> SearchResult:
        self.ran.append(text)
        self.cancelled = options["cancelled"]
        first = options["snippets"]
        return SearchResult(text, [_hit(n, f"s{n}" if n < first else "") for n in range(30)])

    def snippets(self, result: SearchResult, rows: Sequence[int]) -> dict[int, str]:
        self.later.append(list(rows))
        if self.during is not None:
            self.during()
        return {n: f"s{n}" for n in rows if n < len(result.hits)}


def test_the_answer_comes_first_and_the_other_snippets_follow_in_batches() -> None:
    session = SnippetSession()
    worker, sent = worker_with(session)
    batches: list[tuple[int, dict[int, str]]] = []
    worker.snippets.connect(lambda serial, made: batches.append((serial, made)))
    worker.search(1, "gleevec", [])
    assert sent == [(1, "gleevec")]
    assert session.cancelled is not None and session.cancelled() is False
    shown = {n for _, made in batches for n in made}
    assert shown == set(range(FIRST_SNIPPETS, 30))  # every row sent without one, once
    assert all(serial == 1 and len(made) <= SNIPPET_BATCH for serial, made in batches)
    worker.supersede(2)
    assert session.cancelled() is True  # the search in progress now stops


def test_snippets_stop_once_a_newer_keystroke_arrives() -> None:
    session = SnippetSession()
    worker, _ = worker_with(session)
    batches: list[dict[int, str]] = []
    worker.snippets.connect(lambda _serial, made: batches.append(made))
    session.during = lambda: worker.supersede(2)  # typed while the first batch was made
    worker.search(1, "gleevec", [])
    assert len(session.later) == 1 and batches == []


def test_a_search_stopped_by_a_newer_keystroke_sends_nothing() -> None:
    class Stopped(FakeSession):
        def search(self, text: str, types: list[str], **_: Any) -> SearchResult:
            raise Cancelled

    worker = SessionWorker(bundled=False, index_dir=None)
    worker.session = Stopped()  # type: ignore[assignment]
    got: list[SearchResult] = []
    worker.results.connect(lambda _serial, result: got.append(result))
    worker.failed.connect(lambda message: got.append(SearchResult(message, [])))
    worker.search(1, "gleevec", [])
    assert got == []


def test_more_snippets_wait_until_the_window_has_shown_what_was_sent() -> None:
    """While the window shows an answer, the worker makes no snippets: both running
    Python at once made showing it ten times slower."""
    import threading

    from PySide6.QtCore import Qt

    session = SnippetSession()
    worker = SessionWorker(bundled=False, index_dir=None)
    worker.session = session  # type: ignore[assignment]
    worker.wait_for_shown = 5.0
    direct = Qt.ConnectionType.DirectConnection  # signalled from a thread of the test's own
    sent: list[str] = []
    worker.results.connect(lambda _serial, result: sent.append(result.query), direct)
    batches: list[dict[int, str]] = []
    worker.snippets.connect(lambda _serial, made: batches.append(made), direct)
    searching = threading.Thread(target=worker.search, args=(1, "gleevec", []))
    searching.start()
    searching.join(0.3)
    assert sent == ["gleevec"]
    assert session.later == [] and searching.is_alive()  # waiting for the window
    for n in range(1, 5):
        worker.shown()
        deadline = threading.Event()
        while len(batches) < n and not deadline.wait(0.01):
            pass
        assert len(session.later) == n  # one batch made for each time it was shown
    worker.supersede(2)  # a newer keystroke ends the wait at once
    searching.join(1.0)
    assert not searching.is_alive()
    assert len(batches) == 4
