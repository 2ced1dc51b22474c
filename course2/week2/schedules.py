"""Learning-rate decay ("Learning rate decay"), as schedules for DNNModel.fit(schedule=...).

A schedule is a callable ``schedule(learning_rate0, epoch) -> learning_rate``, asked at the
start of every epoch (epoch counts from 0, so epoch 0 uses learning_rate0 itself):

    InverseTimeDecay   lr = lr0 / (1 + decay_rate * epoch)
    StepDecay          lr = lr0 / (1 + decay_rate * floor(epoch / time_interval))
                       (the same decay, applied in steps every ``time_interval`` epochs)

The first shrinks the rate fast (after 1,000 epochs with decay_rate 1 it is lr0 / 1001), too
fast for long runs; the stepwise version keeps the rate for ``time_interval`` epochs at a time.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


def _check_rate(decay_rate: float) -> None:
    if not isinstance(decay_rate, (int, float)) or not math.isfinite(decay_rate) or decay_rate < 0:
        raise ValueError(f"decay_rate must be a finite number >= 0, got {decay_rate!r}")


def _check_epoch(epoch: int) -> None:
    if epoch < 0:
        raise ValueError(f"epoch must be >= 0, got {epoch}")


def inverse_time_decay(learning_rate0: float, epoch: int, decay_rate: float) -> float:
    """lr0 / (1 + decay_rate * epoch)."""
    _check_epoch(epoch)
    return learning_rate0 / (1.0 + decay_rate * epoch)


def step_decay(learning_rate0: float, epoch: int, decay_rate: float, time_interval: int) -> float:
    """lr0 / (1 + decay_rate * floor(epoch / time_interval))."""
    _check_epoch(epoch)
    return learning_rate0 / (1.0 + decay_rate * (epoch // time_interval))


@dataclass(frozen=True)
class InverseTimeDecay:
    decay_rate: float = 1.0

    def __post_init__(self) -> None:
        _check_rate(self.decay_rate)

    def __call__(self, learning_rate0: float, epoch: int) -> float:
        return inverse_time_decay(learning_rate0, epoch, self.decay_rate)


@dataclass(frozen=True)
class StepDecay:
    decay_rate: float = 1.0
    time_interval: int = 1000

    def __post_init__(self) -> None:
        _check_rate(self.decay_rate)
        if not isinstance(self.time_interval, int) or self.time_interval < 1:
            raise ValueError(f"time_interval must be an integer >= 1 (epochs), got {self.time_interval!r}")

    def __call__(self, learning_rate0: float, epoch: int) -> float:
        return step_decay(learning_rate0, epoch, self.decay_rate, self.time_interval)
