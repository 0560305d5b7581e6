"""ui.share_panel on its own: a read-only link made from a Results object."""

from uipages import LATER, render_page, rerun, run_page


def test_share_panel_makes_a_link_shown_with_its_expiry_and_revoke_command(results):
    """The button stores a link for these results and shows its address, expiry and how to revoke it."""
    at = run_page(render_page, "share_panel", results())
    assert not at.sidebar.code
    at.sidebar.button(key="share_create").click()
    at = rerun(at)
    link = at.session_state["share_link"][1]
    assert "?share=" in link["url"] and at.sidebar.code[0].value == link["url"]
    assert any(f"--revoke-id {link['id']}" in c.value for c in at.sidebar.caption)


def test_share_panel_needs_a_loss_estimate(results):
    """Without an estimate for the window there is nothing to share, and no button."""
    at = run_page(render_page, "share_panel", results(LATER))
    assert [c.value for c in at.sidebar.caption] == ["A share link needs a loss estimate for the window."]
    assert not at.sidebar.button
