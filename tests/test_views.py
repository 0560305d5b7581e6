"""The flattened window view the screens use, and its way back into a share snapshot's analysis (impact.views)."""

from impact.views import analysis_of_view, window_view


def test_window_view_flattens_one_window_and_analysis_of_view_reverses_it():
    """A window's figures get the analysis-wide settings and both levels' warnings; analysis_of_view nests it again."""
    analysis = {"currency": "USD", "confidence": 0.9, "recovery_hours": 24, "warnings": ["thin history"]}
    window = {"start": "2025-10-20T06:48:00Z", "revenue": {"lost": 5.0}, "warnings": ["one channel"]}
    flat = window_view(analysis | {"windows": [window]})
    assert flat["currency"] == "USD" and flat["revenue"] == {"lost": 5.0}
    assert flat["warnings"] == ["thin history", "one channel"]
    back = analysis_of_view(flat)
    assert back["confidence"] == 0.9 and back["windows"] == [flat]
    assert window_view(back)["warnings"] == flat["warnings"]
