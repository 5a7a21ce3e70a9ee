"""The evaluation report: one HTML page with a table and a bar chart per benchmark (PNG embedded)."""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


INTERVAL = "_ci95"  # a metric's 95 % interval, (low, high), drawn as an error bar on the metric's own bar


def _intervals(figures: dict, metrics: list[str]) -> list[tuple[int, float, float, float]]:
    """(bar position, value, distance below, distance above) of each metric that has an interval."""
    found = [(j, figures[m], figures[m + INTERVAL]) for j, m in enumerate(metrics) if m + INTERVAL in figures]
    return [(j, value, max(0.0, value - low), max(0.0, high - value)) for j, value, (low, high) in found]


def _chart(benchmark: str, systems: dict[str, dict[str, float]]) -> str:
    metrics = [m for m, v in next(iter(systems.values())).items()
               if m != "n" and not m.endswith(INTERVAL) and isinstance(v, (int, float))]
    fig, ax = plt.subplots(figsize=(6, 3.2), dpi=110)
    width = 0.8 / max(1, len(systems))
    for i, (system, figures) in enumerate(systems.items()):
        xs = [j + i * width for j in range(len(metrics))]
        bars = ax.bar(xs, [figures[m] for m in metrics], width, label=system)
        for j, value, below, above in _intervals(figures, metrics):
            ax.errorbar(xs[j], value, yerr=[[below], [above]], fmt="none", ecolor="black", capsize=3)
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.set_xticks([j + width * (len(systems) - 1) / 2 for j in range(len(metrics))], metrics, rotation=15,
                  fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(benchmark, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _cell(value: object) -> str:
    if isinstance(value, (tuple, list)):
        return html.escape("–".join(str(v) for v in value))
    return html.escape(str(value))


def write_report(path: Path, title: str, results: dict[str, dict[str, dict[str, float]]],
                 notes: list[str]) -> Path:
    """results: benchmark -> system -> metric -> value."""
    parts = [f"<!doctype html><html lang='en'><meta charset='utf-8'><title>{html.escape(title)}</title>",
             "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}</style>",
             f"<h1>{html.escape(title)}</h1><p>{dt.datetime.now():%Y-%m-%d %H:%M}</p>"]
    for benchmark, systems in results.items():
        metrics = list(next(iter(systems.values())))
        parts.append(f"<h2>{html.escape(benchmark)}</h2><table><tr><th>system</th>"
                     + "".join(f"<th>{html.escape(m)}</th>" for m in metrics) + "</tr>")
        for system, figures in systems.items():
            parts.append(f"<tr><td>{html.escape(system)}</td>"
                         + "".join(f"<td>{_cell(figures.get(m, ''))}</td>" for m in metrics) + "</tr>")
        parts.append(f"</table><img alt='{html.escape(benchmark)} chart' "
                     f"src='data:image/png;base64,{_chart(benchmark, systems)}'>")
    parts.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
