"""The cancel token is safe to use from a signal handler in the thread it interrupts."""

from __future__ import annotations

from journal.core.cancel import CancelToken


def test_callbacks_fire_once_whenever_they_were_added() -> None:
    token = CancelToken()
    fired: list[str] = []
    token.add_callback(lambda: fired.append("before"))
    unregister = token.add_callback(lambda: fired.append("removed"))
    unregister()
    token.cancel()
    token.cancel()
    token.add_callback(lambda: fired.append("after"))
    assert fired == ["before", "after"]


def test_cancel_inside_the_tokens_own_critical_section_does_not_deadlock() -> None:
    # What a Ctrl-C handler does when it lands while the main thread holds the lock.
    token = CancelToken()
    fired: list[int] = []
    token.add_callback(lambda: fired.append(1))
    with token._lock:
        token.cancel()
    assert token.cancelled
    assert fired == [1]


def test_a_cancel_that_lands_during_registration_still_fires_the_callback() -> None:
    token = CancelToken()
    fired: list[int] = []

    class CancellingList(list):  # type: ignore[type-arg]
        def append(self, item: object) -> None:
            super().append(item)
            token.cancel()  # the signal arrives right here

    token._entries = CancellingList()
    token.add_callback(lambda: fired.append(1))
    assert fired == [1]
