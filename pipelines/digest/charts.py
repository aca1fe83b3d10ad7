"""Digest charts with matplotlib (Agg backend, no display): PNG bytes in, files out."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BANDS = (
    (0, 1000, "#e8f5e9", "unconcentrated"),
    (1000, 1800, "#fff8e1", "moderately"),
    (1800, 10000, "#ffebee", "highly concentrated"),
)


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def share_chart(rows: list[dict], title: str, limit: int = 10) -> bytes | None:
    """Horizontal bars of provider share with 90% interval whiskers."""
    rows = sorted(rows, key=lambda r: r["share"], reverse=True)[:limit]
    if not rows:
        return None
    names = [r["provider"] for r in rows][::-1]
    shares = [r["share"] * 100 for r in rows][::-1]
    low = [max(0.0, (r["share"] - r["share_low"]) * 100) for r in rows][::-1]
    high = [max(0.0, (r["share_high"] - r["share"]) * 100) for r in rows][::-1]
    fig, ax = plt.subplots(figsize=(6.4, 0.42 * len(rows) + 1.2))
    ax.barh(names, shares, color="#3b6ea8", xerr=[low, high], ecolor="#555", capsize=3)
    ax.set_xlabel("share of contracted value, % (whiskers: 90% interval)")
    ax.set_xlim(0, 100)
    ax.set_title(title, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def concentration_chart(rows: list[dict], title: str) -> bytes | None:
    """HHI by quarter (line, with interval band and guideline bands) and CR4 (dashed)."""
    rows = sorted(rows, key=lambda r: r["period"])
    if not rows:
        return None
    periods = [r["period"] for r in rows]
    x = range(len(periods))
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    for lo, hi, colour, label in BANDS:
        ax.axhspan(lo, hi, color=colour, zorder=0, label=label)
    ax.plot(x, [r["hhi"] for r in rows], marker="o", color="#b23a48", label="HHI", zorder=3)
    if all("hhi_low" in r and "hhi_high" in r for r in rows):
        ax.fill_between(
            x,
            [r["hhi_low"] for r in rows],
            [r["hhi_high"] for r in rows],
            color="#b23a48",
            alpha=0.15,
            zorder=2,
        )
    ax.set_ylim(0, 10000)
    ax.set_ylabel("HHI (0–10,000)")
    ax.set_xticks(list(x), periods, rotation=45, ha="right")
    ax2 = ax.twinx()
    ax2.plot(x, [r["cr4"] * 100 for r in rows], linestyle="--", color="#444", label="CR4 %")
    ax2.set_ylim(0, 100)
    ax2.set_ylabel("CR4, %")
    ax.set_title(title, fontsize=11)
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(handles=handles, fontsize=7, loc="lower left", ncol=3)
    return _png(fig)
