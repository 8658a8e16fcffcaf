"""Callers at the same moment: threads released together, as concurrent Lambda invocations meet."""

import threading
from collections.abc import Callable


def all_at_once(*actions: Callable[[], None]) -> None:
    """Run each action in its own thread, all released by one barrier, and wait for every one."""
    barrier = threading.Barrier(len(actions))

    def run(action: Callable[[], None]) -> None:
        barrier.wait()
        action()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
