"""The Portfolio page (?page=portfolio): a portfolio's results from an uploaded results file, or run here from a
folder under IMPACT_PORTFOLIO_ROOT, with the distribution of losses, a sortable table and a link from each seller to
its dashboard.

Reading the server's folders is off unless the operator names a root; then only paths that resolve under it are read
(impact.portfolio.confine: `..` and symlinks are resolved before the check). A seller's link opens the dashboard with
that seller's exports from the root loaded (?seller=<folder under the root>), never a path outside it; results that
were uploaded carry no links, since nothing says where their sellers' files are.
"""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from impact.charts.portfolio import distribution
from impact.errors import ImpactError, InputError
from impact.portfolio import RunSpec, confine, discover, read, run, summarise
from impact.portfolio.results import SIGNIFICANT_P, rows_of, to_table
from impact.portfolio.sources import classify, files_under
from impact.present import format_channels, format_money, local_time, number, percent, plural
from impact.store import CHANNELS
from impact.windows import parse_utc, window_from_strings
from ui.auth import require_operator, signed_in_operator
from ui.common import CHART_CONFIG, default_zone, md_escape, settings
from ui.state import State, state
from ui.window_sources import set_window

PAGE = "portfolio"


def requested() -> bool:
    return st.query_params.get("page") == PAGE


def nav_link() -> None:
    """The way to this page from the dashboard's sidebar, shown to a signed-in operator only."""
    if signed_in_operator():
        st.sidebar.markdown(f"[Portfolio of sellers](?page={PAGE})")


class FolderFile:
    """A file under the portfolio root handed to the dashboard's import as if it had been uploaded."""

    def __init__(self, path: Path):
        self.path, self.name, self.size = path, path.name, path.stat().st_size
        self.file_id = f"{path}:{path.stat().st_mtime_ns}"

    def getbuffer(self) -> bytes:
        return self.path.read_bytes()


def root() -> Path | None:
    r = settings().portfolio_root
    return Path(r).resolve() if r else None


def opened_seller() -> list[FolderFile] | None:
    """The exports of the seller a portfolio row linked to (?seller=), with the link's window set once; None when the
    page was not opened from such a link. Called before the sidebar exists, which then shows that window."""
    rel = st.query_params.get("seller")
    if not rel:
        return None
    if not require_operator("Opening a seller's folder"):
        return None
    base = root()
    if base is None:
        st.error("Seller folders can only be opened when the server has a portfolio folder.")
        return None
    try:
        folder = confine(base / rel, base)
        # The root holds every seller: opening it would merge them all into one dashboard.
        if folder == base:
            raise InputError("the portfolio folder itself is not a seller's folder; open one seller's folder")
        if not folder.is_dir():
            raise InputError(f"{rel} is not a seller's folder")
    except ImpactError as exc:
        st.error(md_escape(exc), icon=":material/error:")
        return None
    link = (rel, st.query_params.get("start"), st.query_params.get("end"), st.query_params.get("channels"))
    if state.opened_seller != link and link[1] and link[2]:
        if not State.tz.is_set():
            state.tz = default_zone()
        channels = [c for c in (link[3] or "").split(",") if c in CHANNELS]
        set_window(parse_utc(link[1]), parse_utc(link[2]), channels or None, title=f"Portfolio window ({rel})")
        state.opened_seller = link
    return [FolderFile(p) for p in files_under(folder, base) if classify(p) == "export"]


def _sources(base: Path) -> list[str]:
    """What can be run: the root itself, its sub-folders (each a folder of sellers) and manifest CSVs in it."""
    entries = [p for p in sorted(base.iterdir()) if not p.name.startswith(".")]
    return ["."] + [p.name for p in entries if p.is_dir() or p.suffix.lower() == ".csv"]


def _run_form(base: Path) -> None:
    with st.form("portfolio_run"):
        source = st.selectbox("Sellers (a folder of seller folders, or a manifest CSV)", _sources(base))
        c1, c2 = st.columns(2)
        start = c1.text_input("Outage start (UTC, ISO 8601)", "2025-10-20T06:48Z")
        end = c2.text_input("Outage end (UTC, ISO 8601)", "2025-10-20T21:20Z")
        channels = st.multiselect("Affected channels (none: all)", CHANNELS)
        go = st.form_submit_button("Run the portfolio", icon=":material/play_arrow:")
    if not go:
        return
    window = window_from_strings(start, end, channels)
    jobs, report = discover(base / source, root=base)
    bar = st.progress(0.0, text=f"0/{len(jobs)} sellers")
    done = []

    def progress(_result) -> None:
        done.append(1)
        bar.progress(len(done) / len(jobs), text=f"{len(done)}/{len(jobs)} sellers")

    results = run(jobs, RunSpec(windows=(window,)), engine="local", on_result=progress)
    # Links only for a folder of seller folders: a manifest's sellers have no single folder to open.
    folder = source if (base / source).is_dir() else None
    state.portfolio = {
        "rows": [r for res in results for r in res.rows],
        "name": source,
        "folder": folder,
        "source": report.to_json(),
    }


def _table(view: dict):
    import pandas as pd

    df = pd.DataFrame(view["rows"])
    if view.get("folder") is not None:
        prefix = "" if view["folder"] == "." else f"{view['folder']}/"
        df.insert(
            1,
            "dashboard",
            [
                "?"
                + urlencode(
                    {
                        "seller": prefix + r["seller_id"],
                        "start": r["window_start"],
                        "end": r["window_end"],
                        "channels": r["channels"] or "",
                    }
                )
                for r in view["rows"]
            ],
        )
    return df


def affected_split(rows: list[dict], currency: str) -> tuple[dict[str, float], dict[str, float]]:
    """(seller -> revenue lost of the sellers with a significant loss, the same for the others), windows summed."""
    per: dict[str, list[dict]] = {}
    for r in rows:
        if not r.get("error") and r.get("currency") == currency and r.get("revenue_lost") is not None:
            per.setdefault(r["seller_id"], []).append(r)
    hit, spared = {}, {}
    for seller, rs in per.items():
        lost = sum(float(r["revenue_lost"]) for r in rs)
        significant = any(
            float(r.get("p_effect") or 0) >= SIGNIFICANT_P or float(r.get("revenue_lost_low") or 0) > 0 for r in rs
        )
        (hit if significant and lost > 0 else spared)[seller] = lost
    return hit, spared


COLUMN_NAMES = {
    "seller_id": "Seller",
    "dashboard": "Dashboard",
    "window_start": "Outage start",
    "window_end": "Outage end",
    "channels": "Channels",
    "revenue_lost": "Revenue lost",
    "revenue_lost_low": "Lowest",
    "revenue_lost_high": "Highest",
    "net_lost": "Net loss",
    "profit_lost": "Profit lost",
    "orders_lost": "Orders lost",
    "late_excess": "Late shipments",
    "p_effect": "Chance of an effect",
    "history_days": "Days of history",
    "warnings": "Notes",
    "error": "Error",
}
MONEY_COLUMNS = ("revenue_lost", "revenue_lost_low", "revenue_lost_high", "net_lost", "profit_lost")


def readable_table(df):
    """The results as a reader takes them: column names in words, channel names, amounts in their currency, times
    in UTC written out, shares as percentages and nothing shown as None."""

    def cell(value, fmt):
        return "" if value is None or value != value else fmt(value)  # NaN is not equal to itself

    out = df.copy()
    for col in MONEY_COLUMNS:
        if col in out:
            pairs = zip(out[col], out["currency"], strict=True)
            out[col] = [cell(v, lambda x, c=cur: format_money(float(x), c)) for v, cur in pairs]
    for col in ("window_start", "window_end"):
        if col in out:
            out[col] = [cell(v, lambda x: local_time(x, "UTC", zone=True)) for v in out[col]]
    if "channels" in out:
        out["channels"] = [cell(v, lambda x: format_channels(x.split(","))) for v in out["channels"]]
    for col, fmt in (("orders_lost", number), ("late_excess", number), ("history_days", number)):
        if col in out:
            out[col] = [cell(v, lambda x, f=fmt: f(float(x))) for v in out[col]]
    if "p_effect" in out:
        out["p_effect"] = [cell(v, lambda x: percent(float(x))) for v in out["p_effect"]]
    for col in ("warnings", "error"):
        if col in out:
            out[col] = [cell(v, str) for v in out[col]]
    shown = [c for c in out.columns if c in COLUMN_NAMES]
    return out[shown].rename(columns=COLUMN_NAMES)


def _downloads(rows: list[dict]) -> None:
    import pyarrow.parquet as pq

    from impact.csvsafe import to_csv_bytes

    table = to_table(rows)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    c1, c2 = st.columns(2)
    c1.download_button("Results (Parquet)", buf.getvalue(), "portfolio.parquet", icon=":material/download:")
    c2.download_button("Results (CSV)", to_csv_bytes(table.to_pandas()), "portfolio.csv", icon=":material/download:")


def show(view: dict) -> None:
    rows = view["rows"]
    summary = summarise(rows)
    st.subheader(f"{md_escape(view['name'])}: {summary['sellers']:,} sellers")
    if summary["failed_sellers"]:
        st.warning(
            f"{len(summary['failed_sellers']):,} sellers could not be analysed; the table's error column says why.",
            icon=":material/warning:",
        )
    for c in summary["currencies"]:
        cur = c["currency"]
        hit, spared = affected_split(rows, cur)
        m = st.columns(3)
        m[0].metric(
            f"Revenue lost by affected sellers ({cur})",
            format_money(sum(hit.values()), cur, 0),
            help="The sellers whose loss is beyond normal variation; the others' ups and downs are not netted in.",
        )
        m[1].metric("Sellers affected", plural(len(hit), "seller"))
        m[2].metric("Sellers not affected", plural(len(spared), "seller"))
        st.caption(
            f"An affected seller's loss is beyond normal variation ({percent(SIGNIFICANT_P)} chance of an effect, "
            f"or its whole range above zero); {percent(c['significant_share'])} of the sellers in {cur} are."
        )
        st.plotly_chart(distribution(rows, cur), config=CHART_CONFIG)
    config = {"Dashboard": st.column_config.LinkColumn("Dashboard", display_text="open")}
    st.dataframe(readable_table(_table(view)), hide_index=True, column_config=config)
    _downloads(rows)


def render() -> None:
    st.title("Portfolio")
    st.markdown("[Back to the dashboard](./)")
    st.caption(
        "Many sellers analysed at once, each as the dashboard analyses one. Produce results with "
        "`python -m impact portfolio SOURCE --window START END --out results.parquet`."
    )
    upload = st.file_uploader(
        "A results file (Parquet or CSV)", type=["parquet", "csv"], key=State.portfolio_upload.key
    )
    if upload is not None:
        state.portfolio = {"rows": rows_of(read(upload.getvalue(), upload.name)), "name": upload.name, "folder": None}
    base = root()
    if base is None:
        st.info(
            "Running a portfolio from the server's folders is off: the operator turns it on by setting "
            "IMPACT_PORTFOLIO_ROOT to the folder that holds the sellers.",
            icon=":material/folder_off:",
        )
    else:
        _run_form(base)
    if state.portfolio:
        show(state.portfolio)
