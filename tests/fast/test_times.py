"""Publication times and elapsed times as a desk reads them."""

from __future__ import annotations

import pytest

from verify.ingest.readers import check_date
from verify.times import elapsed


@pytest.mark.parametrize(
    "value, kept",
    [
        ("2020-02-27", "2020-02-27"),
        ("2020-02-27T09:40", "2020-02-27T09:40"),
        ("2020-02-27T21:40:15+02:00", "2020-02-27T19:40Z"),
        ("2020-02-27T19:40Z", "2020-02-27T19:40Z"),
    ],
)
def test_publication_times_are_kept_to_the_minute(value, kept):
    assert check_date(value, "here") == kept


@pytest.mark.parametrize(
    "seconds, hours, text",
    [(0, True, "same time"), (3 * 3600, True, "+3 h"), (90_000, True, "+1 d 1 h"), (86_400, False, "+1 d")],
)
def test_elapsed_time_is_written_as_a_desk_reads_it(seconds, hours, text):
    assert elapsed(seconds, hours) == text
