"""The cycle collector's settings for the serving process (``madoguchi serve``, mirrored by the benchmarks).

A push allocates thousands of small container objects (records, entries, rows) that die when it ends,
almost none of them in cycles. With Python's default first-generation threshold of 700 allocations the
collector runs several times per pushed batch and, every tenth time, walks everything the process holds:
about a tenth of a push's CPU time in ``bench.sync_bench``. A threshold of 10,000 runs it about once a
batch; cyclic garbage waits a little longer, which costs a few megabytes at most.
"""

from __future__ import annotations

import gc

FIRST_GENERATION_THRESHOLD = 10_000


def settle() -> None:
    """Call once the app is built, just before serving."""
    # The code, templates and app built so far live as long as the process. Frozen, they are left out of
    # full collections, which would otherwise walk all of them again and again. Garbage is collected
    # first, so only live objects are frozen.
    gc.collect()
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(FIRST_GENERATION_THRESHOLD, second, third)
