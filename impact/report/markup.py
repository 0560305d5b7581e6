"""HTML building blocks of the report: escaping, formula-safe table cells, tables and embedded plotly figures."""

from __future__ import annotations

import html
import re

from ..csvsafe import neutralise_runnable


def esc(value: object) -> str:
    """Text for HTML body or attribute: <, >, &, quotes escaped."""
    return html.escape(str(value), quote=True)


def cell(value: object) -> str:
    """A table cell: escaped, with a leading quote only if a copy into a spreadsheet would run it as a formula."""
    return esc(neutralise_runnable("" if value is None else str(value)))


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def rich(text: str) -> str:
    """Escaped text whose **bold** markers (our own, never the seller's) become <strong>."""
    return _BOLD.sub(r"<strong>\1</strong>", esc(text))


def table(headers: list[str], rows: list[list], cls: str = "") -> str:
    head = "".join(f"<th>{cell(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f'<table class="{esc(cls)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def kpi_row(label: str, key: str, value, shown: str, rng: str, meaning: str) -> str:
    data = "" if value is None else f' data-value="{esc(value)}"'
    return (
        f'<tr data-key="{esc(key)}"><th scope="row">{cell(label)}</th><td class="num"{data}>{cell(shown)}</td>'
        f"<td>{cell(rng)}</td><td>{cell(meaning)}</td></tr>"
    )


def figure_html(fig, first: bool, index: int) -> str:
    fig.update_layout(autosize=True)
    return fig.to_html(
        full_html=False,
        include_plotlyjs="inline" if first else False,
        div_id=f"chart-{index}",
        default_width="100%",
        default_height="420px" if fig.layout.height is None else f"{fig.layout.height}px",
        config={"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["sendDataToCloud"]},
    )
