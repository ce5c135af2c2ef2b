"""A run or a JupyterLab session that prints without end keeps a bounded amount of output in
the supervising process: the oldest lines go first, the first lines stay for the run's
record, and a reader that comes late gets the newest lines."""

from __future__ import annotations

from fivesafes.sandbox.spawner import _Output


def test_output_printed_without_end_stays_within_its_byte_cap() -> None:
    output = _Output(keep_lines=1_000_000, keep_bytes=100_000)
    line = "x" * 99
    for number in range(20_000):  # 2 MB printed
        output.append(f"{number:06d}{line}")
    output.close()
    kept = list(output)
    assert sum(len(k) + 1 for k in kept) <= 100_000
    assert kept[-1].startswith("019999")  # the newest line is there
    assert output.dropped == 20_000 - len(kept) > 0
    assert [h[:6] for h in output.head] == ["000000", "000001", "000002"]


def test_output_of_many_short_lines_stays_within_its_line_cap() -> None:
    output = _Output(keep_lines=1_000, keep_bytes=10_000_000)
    for number in range(10_000):
        output.append(str(number))
    output.close()
    kept = list(output)
    assert len(kept) <= 1_000 and kept[-1] == "9999"
    assert output.tail(2) == ["9998", "9999"]
