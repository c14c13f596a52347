"""Back and forward, as in a web browser (a plain class: no window needed)."""

from desktop.history import History, Location


def test_back_and_forward_walk_the_places_visited() -> None:
    history = History()
    assert history.current is None and not history.can_go_back()
    for doc in ("a", "b", "c"):
        history.visit(Location(doc))
    assert history.back() == Location("b")
    assert history.back() == Location("a")
    assert history.back() is None
    assert history.forward() == Location("b")
    assert history.can_go_forward()


def test_a_new_place_forgets_what_was_ahead_and_repeats_are_not_recorded() -> None:
    history = History()
    for doc in ("a", "b", "c"):
        history.visit(Location(doc))
    history.back()
    history.back()
    history.visit(Location("d"))
    history.visit(Location("d"))
    assert not history.can_go_forward()
    assert history.back() == Location("a")
    assert history.back() is None


def test_coming_back_returns_to_the_section_scrolled_to() -> None:
    history = History()
    history.visit(Location("a", "intro"))
    history.update(Location("a", "treatment"))  # the reader scrolled on
    history.visit(Location("b"))
    assert history.back() == Location("a", "treatment")
