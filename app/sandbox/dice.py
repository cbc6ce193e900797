"""A deterministic random stream keyed by a tuple of integers.

Each order gets its own stream from ``(seed, sequence number, purpose)``, so it renders the
same no matter in which order records are read.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

_MASK = (1 << 64) - 1

T = TypeVar("T")


def key_of(*keys: int) -> int:
    """Fold integer keys into one 64-bit seed (FNV-style multiply and add)."""
    state = 0x5EED
    for key in keys:
        state = (state * 0x100000001B3 + key) & _MASK
    return state


def mix(*keys: int) -> int:
    """Return one well-mixed 64-bit value for a tuple of integer keys."""
    z = (key_of(*keys) + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


class Dice(random.Random):
    """Deterministic pseudo-random numbers derived from integer keys (not for security)."""

    def __init__(self, *keys: int) -> None:
        super().__init__(key_of(*keys))

    def next(self) -> int:
        """Return the next 64-bit value."""
        return self.getrandbits(64)

    def below(self, n: int) -> int:
        """Return an integer in ``[0, n)``."""
        return self.getrandbits(40) % n

    def pick(self, items: Sequence[T]) -> T:
        """Return one element of ``items``."""
        return items[self.getrandbits(32) % len(items)]

    def chance(self, percent: int) -> bool:
        """Return True with the given probability in percent."""
        return self.getrandbits(32) % 100 < percent
