"""Every plotly figure the app and the report draw, built from the service's JSON: analysis.py (one analysis: the
timeline, cumulative loss, channel and SKU breakdowns, daily revenue), scenarios.py (the channel-mix scenarios and
the yearly risk) and portfolio.py (the distribution of a portfolio's losses). Wording and colours come from
impact.present. The analysis charts are re-exported here: `charts.timeline(...)`.
"""

from ..present import COLORS, FONT, to_local
from .analysis import channel_breakdown, combine_hourly, cumulative_loss, daily_by_channel, plain, timeline, top_skus

__all__ = [
    "COLORS",
    "FONT",
    "channel_breakdown",
    "combine_hourly",
    "cumulative_loss",
    "daily_by_channel",
    "plain",
    "timeline",
    "to_local",
    "top_skus",
]
