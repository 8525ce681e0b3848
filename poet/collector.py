"""The cyclic garbage collector, relaxed while long work builds objects that live until it ends.

Python's collector runs after every 700 new container objects, and each run of its oldest
generation walks every object alive. A PDF's layout (WeasyPrint's boxes, hundreds of thousands of
objects for a long report) and a comparison's analysis build objects that all live until the work
is done, so the collector kept walking a growing heap for nothing: 0.4-1.1 s of a 40-outcome
summative PDF's 3 s, and ≈ 0.14 s of a 2,000-staff comparison's 1.6 s (issue 19; peak memory the
same within 5 MiB). While such work runs the collector runs after every ``COLLECT_EVERY`` new
objects instead, so a cycle of garbage is still collected, later.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

COLLECT_EVERY = 100_000
_lock = threading.Lock()
_users = 0
_threshold: tuple[int, int, int] | None = None


@contextmanager
def collector_relaxed() -> Iterator[None]:
    """Collect cyclic garbage less often inside, and as before afterwards.

    The threshold is the process's: with such work in several threads at once, the first to
    start raises it and the last to finish puts back what it was; nested uses are one."""
    global _users, _threshold
    with _lock:
        if _users == 0:
            _threshold = gc.get_threshold()
            gc.set_threshold(max(COLLECT_EVERY, _threshold[0]), *_threshold[1:])
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _threshold is not None:
                gc.set_threshold(*_threshold)
                _threshold = None
