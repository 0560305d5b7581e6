"""ui.results: the flattened window result and its way back into a share snapshot's analysis."""

from ui.results import share_analysis, window_result


def test_window_result_flattens_one_window_and_share_analysis_reverses_it():
    """A window's figures get the analysis-wide settings and both levels' warnings; share_analysis nests it again."""
    analysis = {"currency": "USD", "confidence": 0.9, "recovery_hours": 24, "warnings": ["thin history"]}
    window = {"start": "2025-10-20T06:48:00Z", "revenue": {"lost": 5.0}, "warnings": ["one channel"]}
    flat = window_result(analysis, window)
    assert flat["currency"] == "USD" and flat["revenue"] == {"lost": 5.0}
    assert flat["warnings"] == ["thin history", "one channel"]
    back = share_analysis(flat)
    assert back["confidence"] == 0.9 and back["windows"] == [flat]
    assert window_result(back, back["windows"][0])["warnings"] == flat["warnings"]
