"""Progress output for long numpy loops, without importing TensorFlow.

    bar = Progress(total=2000, label="logistic regression")
    for i in range(2000):
        ...
        bar.update(i + 1, cost=cost)
    bar.close()

Prints a line at most every ``interval`` seconds (and at the end), so logs stay short
whether or not the output is a terminal.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int, label: str = "", interval: float = 2.0,
                 stream: TextIO | None = None, enabled: bool = True) -> None:
        if total < 1:
            raise ValueError(f"total must be >= 1, got {total}")
        self.total = total
        self.label = label
        self.interval = interval
        self.stream = stream if stream is not None else sys.stdout
        self.enabled = enabled
        self.start = time.perf_counter()
        self._last = -float("inf")
        self._done = False

    def _line(self, step: int, values: dict[str, float]) -> str:
        elapsed = time.perf_counter() - self.start
        width = 24
        filled = int(width * step / self.total)
        bar = "=" * filled + "." * (width - filled)
        extras = "  ".join(f"{k} {v:.4g}" for k, v in values.items())
        eta = elapsed / step * (self.total - step) if step else 0.0
        prefix = f"{self.label}: " if self.label else ""
        return f"{prefix}{step}/{self.total} [{bar}] {elapsed:.1f}s (eta {eta:.1f}s)  {extras}".rstrip()

    def update(self, step: int, **values: float) -> None:
        if not self.enabled or self._done:
            return
        now = time.perf_counter()
        if step >= self.total or now - self._last >= self.interval:
            self._last = now
            print(self._line(step, values), file=self.stream, flush=True)
            if step >= self.total:
                self._done = True

    def close(self, step: int | None = None, **values: float) -> None:
        """Print the final line (``step`` defaults to ``total``) unless it was already printed."""
        if self.enabled and not self._done:
            print(self._line(self.total if step is None else step, values), file=self.stream, flush=True)
            self._done = True
