"""ui.data on its own: the Data tab from an import report, and the column-mapping form."""

from uipages import render_page, rerun, run_page


def test_data_tab_accounts_for_every_line_of_every_file(demo_report):
    """The demo's files, each line loaded, a duplicate, skipped or rejected, and the orders per channel."""
    at = run_page(render_page, "data", demo_report)
    files = at.dataframe[0].value
    assert list(files["File"]) == ["amazon_all_orders.txt", "shopify_orders_export.csv"]
    assert (files["Lines"] == files["Loaded"] + files["Duplicates"] + files["Skipped"] + files["Rejected"]).all()
    assert list(at.dataframe[1].value["Channel"]) == [c.capitalize() for c in demo_report.channels]


def _mapping_page():
    from ui.data import mapping_forms

    mapping_forms([{"name": "walmart.csv", "header": ["Ref", "When", "Total"]}])


def test_mapping_form_remembers_the_chosen_columns():
    """Submitting the mapping keeps the chosen columns (and no empty choice) for the next import of that file."""
    at = run_page(_mapping_page)
    assert at.expander[0].label == "Map the columns of walmart.csv"
    at.selectbox(key="m_order::walmart.csv").set_value("Ref")
    at.selectbox(key="m_date::walmart.csv").set_value("When")
    at.selectbox(key="m_amount::walmart.csv").set_value("Total")
    at.form_submit_button[0].click()
    at = rerun(at)
    assert dict(at.session_state["mappings"]["walmart.csv"]) == {
        "order_id": "Ref",
        "purchased_at": "When",
        "revenue": "Total",
        "channel_value": "other",
        "date_order": "auto",
    }
