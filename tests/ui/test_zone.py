"""The seller's zone on the dashboard (ui/zone.py): read from the files and shown next to the window; changed by the
seller, the figures move and a sentence says why."""

from __future__ import annotations

import pytest
from uipages import run_app

pytestmark = pytest.mark.usefixtures("private_app_settings")


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_zone_is_read_from_the_files_and_a_change_is_explained(monkeypatch):
    """No zone named: the demo's Shopify offsets make it America/New_York, said next to the window ($616 lost);
    picking UTC gives $717 and the sentence with both figures and why."""
    monkeypatch.delenv("IMPACT_DEFAULT_TZ")
    at = run_app()
    assert at.sidebar.selectbox(key="tz").value == "America/New_York"
    assert "**Time zone:** America/New\\_York, from the offsets in shopify\\_orders\\_export.csv." in _markdown(at)
    assert _metric(at, "Revenue lost") == "$616"
    assert not [i for i in at.info if "You changed the time zone" in i.value]

    at.sidebar.selectbox(key="tz").set_value("UTC")
    at = run_app(at)
    assert at.sidebar.selectbox(key="tz").value == "UTC"
    assert _metric(at, "Revenue lost") == "$717"
    said = [i.value for i in at.info if "You changed the time zone" in i.value]
    # As markdown: the name's underscore, the colon and the dollars escaped.
    assert said == [
        "You changed the time zone from America/New\\_York to UTC\\: the revenue lost is now \\$717 (it was \\$616 "
        "in America/New\\_York). The zone decides which of your local hours, days and weekdays the outage is "
        "compared with, so the estimate moves with it."
    ]
    assert (
        "**Time zone:** UTC, your choice. Your files say America/New\\_York, from the offsets in "
        "shopify\\_orders\\_export.csv." in _markdown(at).splitlines()
    )


def test_a_deployment_zone_is_used_and_the_files_are_named():
    """IMPACT_DEFAULT_TZ=UTC (the tests' setting): the demo runs in UTC, and the header says what the files say."""
    at = run_app()
    assert at.sidebar.selectbox(key="tz").value == "UTC"
    assert _metric(at, "Revenue lost") == "$717"
    assert (
        "**Time zone:** UTC, this site's default zone. Your files say America/New\\_York, from the offsets in "
        "shopify\\_orders\\_export.csv." in _markdown(at).splitlines()
    )
