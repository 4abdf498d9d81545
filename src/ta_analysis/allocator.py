"""Memory-allocator settings for the large cleaning commands (Linux with glibc only; elsewhere a no-op).

A clean allocates and frees many column-sized arrays (8 to 150 MB each on a million rows). With the
default settings every one of them is a fresh ``mmap`` whose pages the kernel must zero on first
touch, and with transparent huge pages it zeroes 2 MiB at a time: on the 1,000,000-row benchmark a
fifth of all CPU time went to ``clear_page`` in the kernel. Keeping freed heap memory for reuse and
faulting in ordinary pages cut system time from about 9 s to about 5 s and wall time by about 3 s,
with the same peak memory (``make bench``; see the README's Benchmarks section).

Only the process's own allocator behaviour changes; no result can depend on it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

# glibc mallopt parameters (malloc.h) and prctl option (linux/prctl.h).
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
PR_SET_THP_DISABLE = 41

MMAP_THRESHOLD = 32 << 20  # glibc's maximum: blocks below it come from the reusable heap
TRIM_THRESHOLD = 1 << 30  # free heap kept up to this much before it is returned to the system
TOP_PAD = 64 << 20  # grow the heap in 64 MiB steps


def tune_for_large_frames() -> bool:
    """Apply the settings above to this process; True when they were applied."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        applied = all(libc.mallopt(p, v) == 1 for p, v in [(M_MMAP_THRESHOLD, MMAP_THRESHOLD),
                                                          (M_TRIM_THRESHOLD, TRIM_THRESHOLD),
                                                          (M_TOP_PAD, TOP_PAD)])
        return libc.prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0 and applied
    except (OSError, AttributeError):  # not glibc (musl, for one, has no mallopt)
        return False
