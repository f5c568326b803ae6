"""Benchmark: text analysis on hostile input, the longest text the API takes.

Every string the decision API analyses may be written to be slow: 20,000 characters of
one trigger phrase repeated, without a full stop (one "sentence" of thousands of
matches), repeated letters, emoji. Side by side with an ordinary 2 KB page, it prints
the time of each and the ratio, and fails when any hostile text takes longer than
WORST_MS (a regression to the quadratic behaviour fixed in issue 6 took 2.5-11 s).

    .venv/bin/python benchmarks/access_text_worst.py
"""

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
import django

django.setup()
from haven.access.service import MAX_TEXT  # noqa: E402
from haven.access.signals import analyse  # noqa: E402

WORST_MS = 500.0
HOSTILE = [
    "kys ",
    "cut myself safely ",
    "i want to kill myself ",
    "ur so ugly ",
    "k1ll y0urs3lf ",
    "send me a pic ",
    "how old r u ",
    "dm to buy ",
    "you deserve the pain ",
    "don't tell your mum ",
    "aaaa",
    "\U0001f642",
    "a" * 50 + " ",
]
ORDINARY = (
    "We are going to the beach on Saturday if the weather stays nice. Bring a towel, "
    "sun cream and something for lunch; the bus leaves at nine from the school gates. "
) * 12


def timed(text: str, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        analyse(text)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    ordinary = timed(ORDINARY[:2048], rounds=50)
    print(f"ordinary 2 KB page: {ordinary:.2f} ms")
    worst = 0.0
    for phrase in HOSTILE:
        text = (phrase * (MAX_TEXT // len(phrase) + 1))[:MAX_TEXT]
        elapsed = timed(text)
        worst = max(worst, elapsed)
        print(
            f"{phrase[:24]!r:30} x{MAX_TEXT:,} chars {elapsed:8.1f} ms  {elapsed / ordinary:7.0f}x"
        )
    print(f"worst: {worst:.0f} ms (limit {WORST_MS:.0f} ms)")
    return 0 if worst <= WORST_MS else 1


if __name__ == "__main__":
    sys.exit(main())
