"""The text of an index sync's progress: done/total, rate, time left, and when lines print."""

from __future__ import annotations

import io

from app.commands.sync_progress import ProgressPrinter, SyncProgress, duration


def test_durations_read_naturally() -> None:
    assert [duration(s) for s in (0, 0.2, 59, 61, 3599, 3600, 7380)] == [
        "0 s", "1 s", "59 s", "1 min 1 s", "59 min 59 s", "1 h 0 min", "2 h 3 min",
    ]  # fmt: skip


def test_rate_and_time_left_come_from_this_runs_reports() -> None:
    progress = SyncProgress()
    assert progress.line("full", 500, 6000, now=10.0) == "full: 500/6000 orders (8%)"
    assert progress.line("full", 1500, 6000, now=12.0) == (
        "full: 1500/6000 orders (25%), 500 orders/s, about 9 s left"
    )
    assert progress.line("full", 6000, 6000, now=20.0) == (
        "full: 6000/6000 orders (100%), 550 orders/s"
    )
    # A new phase measures its own rate.
    assert progress.line("reconcile", 100, 400, now=21.0) == "reconcile: 100/400 orders (25%)"


def test_an_empty_store_and_a_growing_total() -> None:
    progress = SyncProgress()
    assert progress.line("full", 0, 0, now=1.0) == "full: starting"
    assert progress.line("full", 30, 20, now=2.0) == "full: 30/30 orders (100%), 30 orders/s"


def test_a_log_gets_a_line_a_second_and_always_the_first_and_the_last() -> None:
    out = io.StringIO()
    printer = ProgressPrinter(out, interactive=False)
    for second, done in ((0.0, 100), (0.5, 200), (1.1, 300), (1.4, 400), (1.6, 500), (1.7, 500)):
        printer.report("full", done, 500, now=second)
    lines = out.getvalue().splitlines()
    assert [line.split(" orders")[0] for line in lines] == [
        "full: 100/500",
        "full: 300/500",
        "full: 500/500",
    ]  # fmt: skip (and the repeated last report once)
    printer.end_line()
    assert out.getvalue().endswith("orders/s\n")


def test_a_terminal_gets_one_line_updated_in_place() -> None:
    out = io.StringIO()
    printer = ProgressPrinter(out, interactive=True)
    printer.report("incremental", 10, 40, now=0.0)
    printer.report("incremental", 40, 40, now=0.1)
    printer.end_line()
    assert out.getvalue() == (
        "\rincremental: 10/40 orders (25%)\033[K"
        "\rincremental: 40/40 orders (100%), 300 orders/s\033[K\n"
    )
