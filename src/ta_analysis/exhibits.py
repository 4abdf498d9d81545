"""Court-ready exhibits: every chart is written by one helper, the same way.

An exhibit has a stable number from the registry (``data/exhibits.csv``: adding a chart never
renumbers a filed one), a title, a subtitle with the population and n, a source note (input
file hash, as-of date, "intake complainants, not a statistical sample"), a colour-blind-safe
style that also reads in black and white, and four files: PNG (300 dpi), SVG, PDF and the CSV of
exactly what is plotted. ``exhibits.json`` lists each with its files' SHA-256, the input's
SHA-256, the parameters, the package version and commit, and row counts. The same data and code
give byte-identical files: no creation dates, a fixed SVG hash salt, fixed metadata.

Examples:
    >>> registry().loc["EX-01", "slug"]
    'record-flow'
"""

from __future__ import annotations

import hashlib
import json
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ta_analysis.outputs import git_commit, package_version, to_csv_bytes
from ta_analysis.vocab import read_crosswalk

# Okabe & Ito (2008) colour-blind-safe palette, with hatches so bars differ in black and white too.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
HATCHES = ["", "//", "..", "xx", "\\\\", "--", "++", "oo"]
SOURCE_CAVEAT = "Intake complainants, not a statistical sample."
STYLE = {
    "figure.figsize": (8.0, 5.0), "figure.dpi": 100, "savefig.dpi": 300, "font.size": 10,
    "axes.titlesize": 13, "axes.titleweight": "bold", "axes.titlelocation": "left",
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "axes.grid.axis": "y",
    "grid.color": "#d9d9d9", "grid.linewidth": 0.6, "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "svg.hashsalt": "ta-analysis", "svg.fonttype": "path", "pdf.fonttype": 42,
    "font.family": "DejaVu Sans", "path.simplify": True,
}


@lru_cache(maxsize=1)
def registry() -> pd.DataFrame:
    """The exhibit registry, indexed by exhibit id."""
    table = read_crosswalk("exhibits.csv").set_index("exhibit_id")
    if not table.index.is_unique or not table["slug"].is_unique:
        raise ValueError("exhibits.csv: an exhibit id or slug is listed twice")
    return table


@dataclass
class Provenance:
    """What every exhibit's source note and manifest entry say about where it came from."""

    input_sha256: str
    as_of: str
    parameters: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)
    source: str = "firm intake records"

    @classmethod
    def from_cleaning(cls, cleaning: dict, parameters: dict | None = None) -> "Provenance":
        digest = ";".join(i["sha256"] for i in cleaning["inputs"])
        return cls(input_sha256=digest, as_of=cleaning["parameters"]["as_of"],
                   parameters={**cleaning["parameters"], **(parameters or {})},
                   rows={"input_records": cleaning["input_records"], **cleaning["fates"]})

    @classmethod
    def from_complaints(cls, summary: dict, as_of: str, parameters: dict | None = None) -> "Provenance":
        """The provenance of an exhibit drawn from complaint records (``complaints_summary.json``):
        their own input hashes and counts, not the intake's."""
        return cls(input_sha256=";".join(i["sha256"] for i in summary["inputs"]), as_of=as_of,
                   parameters={"format": summary["format"], "selection": summary["selection"],
                               "codebook_version": summary["codebook_version"], **(parameters or {})},
                   rows={"input_records": summary["records"], "kept": summary["kept"],
                         "purchase_disputes": summary["purchase_disputes"]},
                   source="complaint records (" + ", ".join(i["file"] for i in summary["inputs"]) + ")")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _save(fig: plt.Figure, base: Path) -> list[Path]:
    files = [base.with_suffix(".png"), base.with_suffix(".svg"), base.with_suffix(".pdf")]
    fig.savefig(files[0], dpi=300, metadata={"Software": None})
    fig.savefig(files[1], metadata={"Date": None, "Creator": None})
    fig.savefig(files[2], metadata={"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None})
    return files


def exhibit_title(exhibit_id: str) -> str:
    """ "Exhibit 7. Damages per class member, all theories together": its number and registered title."""
    return f"Exhibit {exhibit_id[3:].lstrip('0')}. {registry().loc[exhibit_id, 'title']}"


def make_exhibit(
    exhibit_id: str,
    data: pd.DataFrame,
    draw: Callable[[plt.Axes, pd.DataFrame], None],
    *,
    subtitle: str,
    provenance: Provenance,
    out_dir: str | Path,
    note: str = "",
) -> plt.Figure:
    """Draw, number, annotate and write one exhibit; add it to the manifest; return the figure.

    Args:
        exhibit_id: an id from the registry (``EX-01``...); its title and notebook come from there.
        data: exactly what is plotted: written as the exhibit's CSV.
        draw: draws ``data`` on the axes (bars, points, intervals); titles and notes are added here.
        subtitle: the population and n, e.g. "Class members' resolved claims, n = 1,553".
        provenance: input hash, as-of date, parameters, row counts.
        out_dir: folder for the files and ``exhibits.json``.
        note: an extra line for the source note (a definition, what was left out).
    """
    reg = registry()
    if exhibit_id not in reg.index:
        raise KeyError(f"{exhibit_id} is not in the exhibit registry (data/exhibits.csv)")
    entry = reg.loc[exhibit_id]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=STYLE["figure.figsize"])
        too_little = too_little_data(data)
        if too_little:
            ax.set_axis_off()
            ax.text(0.5, 0.5, textwrap.fill(too_little, 60), ha="center", va="center", fontsize=12,
                    transform=ax.transAxes)
        else:
            draw(ax, data)
        title = textwrap.fill(exhibit_title(exhibit_id), 72)
        fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold")
        ax.set_title(subtitle, fontsize=10, fontweight="normal", loc="left", color="#333333")
        source = (f"Source: {provenance.source} (input SHA-256 {provenance.input_sha256[:12]}...), as of "
                  f"{provenance.as_of}. {SOURCE_CAVEAT}")
        lines = textwrap.wrap(source, 120) + (textwrap.wrap(note, 120) if note else [])
        fig.text(0.01, 0.01, "\n".join(lines), fontsize=7.5, color="#444444", va="bottom", ha="left")
        fig.tight_layout(rect=(0, 0.04 + 0.025 * len(lines), 1, 1))
        base = out_dir / f"{exhibit_id}-{entry['slug']}"
        files = _save(fig, base)
    csv_path = base.with_suffix(".csv")
    csv_path.write_bytes(to_csv_bytes(data))
    files.append(csv_path)
    _record(out_dir, {
        "exhibit_id": exhibit_id, "title": entry["title"], "subtitle": subtitle, "notebook": entry["notebook"],
        "files": {p.suffix.lstrip("."): {"name": p.name, "sha256": _sha256(p)} for p in files},
        "plotted_rows": int(len(data)), "too_little_data": too_little or None, "source": provenance.source, "input_sha256": provenance.input_sha256, "as_of": provenance.as_of,
        "parameters": provenance.parameters, "rows": provenance.rows,
        "package_version": package_version(), "git_commit": git_commit(),
    })
    return fig


def too_little_data(data: pd.DataFrame) -> str:
    """Why ``data`` cannot be drawn (no rows, or nothing in any denominator), or "" when it can.
    The exhibit then says so where the chart would be, with its title, source note and (empty or
    all-zero) table, so that no exhibit number goes missing and nothing is drawn from nothing."""
    if data.empty:
        return "Too little data to draw this exhibit: no records fall in its population."
    for column in ("denominator", "count", "n"):
        if column in data.columns and pd.to_numeric(data[column], errors="coerce").fillna(0).sum() == 0:
            return f"Too little data to draw this exhibit: every {column} is zero."
    return ""


def _record(out_dir: Path, entry: dict) -> None:
    """Add or replace one exhibit's entry in ``exhibits.json`` (sorted by id)."""
    path = out_dir / "exhibits.json"
    manifest = json.loads(path.read_text()) if path.exists() else {"exhibits": []}
    others = [e for e in manifest["exhibits"] if e["exhibit_id"] != entry["exhibit_id"]]
    manifest["exhibits"] = sorted(others + [entry], key=lambda e: e["exhibit_id"])
    path.write_text(json.dumps(manifest, indent=2, default=str) + "\n")


# --- drawing helpers used by the notebooks' exhibits ---------------------------------------------

LABELS = {
    "quality": "Quality", "delay": "Delay", "customs": "Customs", "non_delivery": "Never arrived",
    "individual": "Individual", "small_business": "Small business", "other": "Other",
    "pooled small groups": "Small groups (pooled)", "all": "All", "(missing)": "Unknown",
}


def label(value: object) -> str:
    """A plain-English label for a canonical value (``non_delivery`` -> "Never arrived")."""
    return LABELS.get(str(value), str(value))


def draw_rates(label_column: str = "label", *, ylabel: str = "Share", percent: bool = True):
    """Bars of ``estimate`` with 95% interval whiskers, labelled with numerator/denominator."""

    def draw(ax: plt.Axes, d: pd.DataFrame) -> None:
        x = range(len(d))
        for i, (_, r) in enumerate(d.iterrows()):
            ax.bar(i, r["estimate"], color=PALETTE[0], hatch=HATCHES[1] if r.get("small_group", False) else "",
                   edgecolor="black", linewidth=0.6)
        ax.errorbar(list(x), d["estimate"], yerr=[d["estimate"] - d["ci_low"], d["ci_high"] - d["estimate"]],
                    fmt="none", ecolor="black", capsize=4, linewidth=1)
        for i, (_, r) in enumerate(d.iterrows()):
            ax.annotate(f"{r['numerator']:,}/{r['denominator']:,}", (i, r["ci_high"]), xytext=(0, 3),
                        textcoords="offset points", ha="center", fontsize=8)
        ax.set_xticks(list(x), [textwrap.fill(str(g), 16) for g in d[label_column]], fontsize=9)
        ax.set_ylim(0, min(1.0, max(d["ci_high"].max() * 1.18, 0.05)))
        ax.set_ylabel(ylabel)
        if percent:
            ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))

    return draw


def draw_grouped_rates(group_column: str = "group_label", series_column: str = "series"):
    """Bars of several rates side by side for each group, told apart by colour and hatch."""

    def draw(ax: plt.Axes, d: pd.DataFrame) -> None:
        groups = list(dict.fromkeys(d[group_column]))
        series = list(dict.fromkeys(d[series_column]))
        width = 0.8 / len(series)
        for j, name in enumerate(series):
            part = d[d[series_column] == name].set_index(group_column).reindex(groups)
            x = [i - 0.4 + width * (j + 0.5) for i in range(len(groups))]
            ax.bar(x, part["estimate"], width=width * 0.95, color=PALETTE[j], hatch=HATCHES[j],
                   edgecolor="black", linewidth=0.6, label=name)
            ax.errorbar(x, part["estimate"], yerr=[part["estimate"] - part["ci_low"], part["ci_high"] - part["estimate"]],
                        fmt="none", ecolor="black", capsize=3, linewidth=1)
            for xx, (_, r) in zip(x, part.iterrows()):
                ax.annotate(f"{int(r['numerator']):,}/{int(r['denominator']):,}", (xx, r["ci_high"]), xytext=(0, 3),
                            textcoords="offset points", ha="center", fontsize=7.5)
        ax.set_xticks(range(len(groups)), groups)
        ax.set_ylim(0, min(1.0, d["ci_high"].max() * 1.2))
        ax.set_ylabel("Share")
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        ax.legend(frameon=False, fontsize=8, loc="upper right")

    return draw


def draw_stacked_counts(period_column: str = "period", series_column: str = "series"):
    """Stacked bars of counts per period (``count``), one colour and hatch per series."""

    def draw(ax: plt.Axes, d: pd.DataFrame) -> None:
        periods = list(dict.fromkeys(d[period_column]))
        bottom = pd.Series(0.0, index=periods)
        for j, name in enumerate(dict.fromkeys(d[series_column])):
            part = d[d[series_column] == name].set_index(period_column)["count"].reindex(periods, fill_value=0)
            ax.bar(range(len(periods)), part.to_numpy(), bottom=bottom.to_numpy(), color=PALETTE[j], hatch=HATCHES[j],
                   edgecolor="black", linewidth=0.5, label=name)
            bottom += part.to_numpy()
        step = max(1, len(periods) // 12)
        ax.set_xticks(list(range(len(periods)))[::step], periods[::step], rotation=45, ha="right", fontsize=8)
        ax.set_ylabel("Complaints")
        ax.legend(frameon=False, fontsize=8, loc="upper left")

    return draw


def draw_flow():
    """Horizontal bars of a record flow (``step``, ``fate``, ``records``): removals in orange."""

    def draw(ax: plt.Axes, d: pd.DataFrame) -> None:
        y = list(range(len(d)))[::-1]
        colors = [PALETTE[0] if f in ("", "kept") else PALETTE[3] for f in d["fate"]]
        hatches = ["" if f in ("", "kept") else HATCHES[1] for f in d["fate"]]
        for yy, n, c, h in zip(y, d["records"], colors, hatches):
            ax.barh(yy, abs(n), color=c, hatch=h, edgecolor="black", linewidth=0.5)
            ax.annotate(f"{n:+,}" if n < 0 else f"{n:,}", (abs(n), yy), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
        ax.set_yticks(y, [textwrap.shorten(s, 48) for s in d["step"]], fontsize=8)
        ax.set_xlabel("Records")
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        ax.set_xlim(0, d["records"].abs().max() * 1.12)

    return draw


def draw_lines(label_column: str = "group", *, ylabel: str = "Share"):
    """A rate over time with its 95% interval as a band (for many periods)."""

    def draw(ax: plt.Axes, d: pd.DataFrame) -> None:
        x = list(range(len(d)))
        ax.fill_between(x, d["ci_low"], d["ci_high"], color=PALETTE[5], alpha=0.35, linewidth=0,
                        label="95% interval")
        ax.plot(x, d["estimate"], color=PALETTE[0], marker="o", markersize=3.5, linewidth=1.5, label="estimate")
        step = max(1, len(x) // 12)
        ax.set_xticks(x[::step], list(d[label_column])[::step], rotation=45, ha="right", fontsize=8)
        ax.set_ylim(0, 1)
        ax.set_ylabel(ylabel)
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        ax.legend(frameon=False, fontsize=8, loc="upper left")

    return draw


def draw_binned(*, xlabel: str, ylabel: str = "Count"):
    """Bars of pre-binned counts (``label``, ``count``), one per bin, each labelled with its count;
    a zero bin (``kind`` = "zero") is drawn apart in another colour and hatch."""

    def draw(ax: plt.Axes, d: pd.DataFrame) -> None:
        x = list(range(len(d)))
        zero = d.get("kind", pd.Series("", index=d.index)).eq("zero").to_numpy()
        for i, (n, z) in enumerate(zip(d["count"], zero)):
            ax.bar(i, n, color=PALETTE[3] if z else PALETTE[2], hatch=HATCHES[1] if z else "",
                   edgecolor="black", linewidth=0.4, width=0.9)
            ax.annotate(f"{int(n):,}", (i, n), xytext=(0, 2), textcoords="offset points", ha="center", fontsize=6.5)
        step = max(1, (len(x) + 13) // 14)
        ticks = sorted(set(x[::step]) | {0, len(x) - 1})
        ax.set_xticks(ticks, [str(d["label"].iat[i]) for i in ticks], rotation=40, ha="right", fontsize=7.5)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)

    return draw


def draw_damages():
    """Bars of damages by theory (``theory``, ``total_usd``, ``ci_low_usd``, ``ci_high_usd``) with 95%
    interval whiskers; a row whose ``theory`` says "upper bound" is hatched and labelled as one."""

    def draw(ax: plt.Axes, d: pd.DataFrame) -> None:
        for i, (_, r) in enumerate(d.iterrows()):
            upper = "upper bound" in r["theory"]
            ax.bar(i, r["total_usd"], color=PALETTE[1] if r["theory"] == "Total" else PALETTE[0],
                   hatch=HATCHES[2] if upper else "", edgecolor="black", linewidth=0.6)
            ax.errorbar([i], [r["total_usd"]], yerr=[[r["total_usd"] - r["ci_low_usd"]], [r["ci_high_usd"] - r["total_usd"]]],
                        fmt="none", ecolor="black", capsize=4, linewidth=1)
            ax.annotate(f"${r['total_usd']:,.0f}" + ("\n(upper bound)" if upper else ""), (i, r["ci_high_usd"]),
                        xytext=(0, 3), textcoords="offset points", ha="center", fontsize=7.5)
        ax.set_xticks(range(len(d)), [textwrap.fill(t, 16) for t in d["theory"]], fontsize=8)
        top = np.nanmax(np.r_[d["ci_high_usd"].to_numpy(dtype=float), d["total_usd"].to_numpy(dtype=float), 1.0])
        ax.set_ylim(0, float(top) * 1.2)
        ax.set_ylabel("USD")
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("${x:,.0f}"))

    return draw


def round_step(top: float, bins: int = 20) -> float:
    """A round bin width (1, 2, 2.5 or 5 times a power of ten) giving about ``bins`` bins up to ``top``.

    >>> round_step(15_000), round_step(399), round_step(0)
    (1000.0, 20.0, 1.0)
    """
    if top <= 0:
        return 1.0
    raw = top / bins
    power = 10 ** np.floor(np.log10(raw))
    return float(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw))


def _dollars(x: float) -> str:
    return f"${x:,.0f}" if float(x).is_integer() else f"${x:,.2f}"


def binned_amounts(values: pd.Series, *, zero_label: str, bins: int = 20, upper_quantile: float = 0.99) -> pd.DataFrame:
    """Counts of USD amounts for a bar chart: exactly 0 in a bar of its own (``zero_label``), then
    bins of a round width up to the 99th percentile, then one last bin "$X and above" whose label
    states its range and count. Every value lands in exactly one row (the counts add up)."""
    v = values.dropna().astype(float)
    pos = v[v > 0]
    step = round_step(float(pos.quantile(upper_quantile)) if len(pos) else 0.0, bins)
    n_bins = max(1, int(np.ceil((float(pos.quantile(upper_quantile)) if len(pos) else step) / step)))
    top = n_bins * step
    rows = [{"label": zero_label, "kind": "zero", "bin_low": 0.0, "bin_high": 0.0, "count": int((v <= 0).sum()), "note": ""}]
    idx = np.minimum(np.ceil(pos.to_numpy() / step).astype(int), n_bins + 1)  # (low, high] bins, n_bins + 1 = above top
    counts = np.bincount(idx, minlength=n_bins + 2)
    for i in range(1, n_bins + 1):
        low = f"up to {_dollars(step)}" if i == 1 else f"{_dollars((i - 1) * step)} to {_dollars(i * step)}"
        rows.append({"label": low, "kind": "bin", "bin_low": (i - 1) * step,
                     "bin_high": i * step, "count": int(counts[i]), "note": ""})
    above = pos[pos > top]
    rows.append({"label": f"above {_dollars(top)}", "kind": "top", "bin_low": top,
                 "bin_high": float(above.max()) if len(above) else top, "count": int(len(above)),
                 "note": (f"{len(above):,} value(s) from ${above.min():,.0f} to ${above.max():,.0f}" if len(above) else "none")})
    out = pd.DataFrame(rows)
    assert int(out["count"].sum()) == len(v), "every value is in one bin"
    return out
