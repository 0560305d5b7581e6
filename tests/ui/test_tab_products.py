"""ui.products on its own: the Products tab rendered from a Results object."""

from uipages import LATER, render_page, run_page


def test_products_draws_channels_and_skus_with_a_named_sku_table(results):
    """The channel and SKU charts, and the top SKUs with their product names and the revenue each lost."""
    at = run_page(render_page, "products", results())
    assert len(at.get("plotly_chart")) == 2
    skus = at.dataframe[0].value
    assert list(skus.columns) == ["SKU", "Product", "Revenue lost"]
    assert skus["Product"].str.len().min() > 0 and skus["Revenue lost"].str.startswith("$").all()


def test_products_without_an_estimate_says_so(results):
    """A window outside the data shows why there is no product estimate, and no charts."""
    at = run_page(render_page, "products", results(LATER))
    assert any("No product estimate" in w.value for w in at.warning) and not at.get("plotly_chart")
