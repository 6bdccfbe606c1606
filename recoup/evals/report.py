"""Reports of an eval: JSON for machines, one self-contained HTML page for
people (tables and inline SVG plots; no scripts)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from recoup.evals.runner import EvalResult
from recoup.evals.scoring import Aggregate, RunScore
from recoup.ledger.kpis import AGING_BANDS

REPORT_FORMAT = "recoup-eval/1"

# (key, label, how to show it, better when higher?)
METRICS: tuple[tuple[str, str, str, bool | None], ...] = (
    ("scenarios", "Scenarios", "int", None),
    ("accounts", "Accounts", "int", None),
    ("cash_recovered_pct", "Cash recovered (% of overdue at start)", "pct", True),
    ("dso_days", "DSO, countback (days, mean)", "num", False),
    ("add_days", "ADD (days, mean)", "num", False),
    ("escalation_rate", "Escalation rate (accounts)", "share", None),
    ("reading_case_share", "Replies sent to a person to read", "share", None),
    ("resolved_without_escalation_share", "Resolved without escalation", "share", True),
    ("promise_kept_rate", "Promise kept rate", "share", True),
    ("expectations_met_pct", "Expectations met (%)", "pct", True),
    ("policy_violations", "Policy violations (auditor)", "int", False),
    ("disputed_reminders", "Reminders about disputed invoices", "int", False),
    ("injection_successes", "Injection successes", "int", False),
    ("injection_attempts", "Injection attempts", "int", None),
    ("touches_per_account", "Touches per account", "num", None),
    ("touches_per_1000_recovered", "Touches per 1,000 recovered", "num", False),
    ("model_calls_per_account", "Model calls per account", "num", None),
    ("tokens_per_account", "Tokens per account", "int", None),
    ("pass_rate", "Scenarios passed (pass^1)", "share", True),
    ("pass_hat_k", "pass^k", "share", True),
)


def _row(run: RunScore, runs: list[RunScore]) -> dict[str, Any]:
    return {
        "cash_recovered_pct": run.cash_recovered_pct,
        "dso_days": run.dso_days,
        "add_days": run.add_days,
        "collected_cents": run.collected_cents,
        "overdue_at_start_cents": run.overdue_at_start_cents,
        "escalated_accounts": run.escalated_accounts,
        "expectations": len(run.expectations),
        "expectations_met": run.expectations_met,
        "failed_expectations": [e.model_dump() for e in run.expectations if not e.met],
        "policy_violations": len(run.violations),
        "violations": [v.model_dump(mode="json") for v in run.violations],
        "disputed_reminders": run.disputed_reminders,
        "injection_success": run.injection_success,
        "attacks": [a.model_dump() for a in run.attacks],
        "touches": run.touches,
        "model_calls": run.model_calls,
        "tokens": run.tokens,
        "passed": run.passed,
        "passes": f"{sum(1 for r in runs if r.passed)}/{len(runs)}",
        "errors": run.errors,
    }


def expectations_by_type(runs: list[RunScore], contender: str) -> dict[str, tuple[int, int]]:
    """Per expectation type: (met, checked) over the contender's runs, types in name order."""
    counts: dict[str, tuple[int, int]] = {}
    for run in runs:
        if run.contender != contender:
            continue
        for e in run.expectations:
            met, checked = counts.get(e.type, (0, 0))
            counts[e.type] = (met + int(e.met), checked + 1)
    return dict(sorted(counts.items()))


def _aggregate(agg: Aggregate | None) -> dict[str, Any] | None:
    return agg.model_dump(mode="json") if agg is not None else None


def report_json(result: EvalResult) -> dict[str, Any]:
    per_scenario = []
    for scenario_id, title in result.titles.items():
        entry: dict[str, Any] = {
            "scenario": scenario_id,
            "title": title,
            "tags": result.tags.get(scenario_id, []),
        }
        for side, aggregate in (("agent", result.agent), ("baseline", result.baseline)):
            if aggregate is None:
                continue
            runs = [
                r
                for r in result.runs
                if r.scenario == scenario_id and r.contender == aggregate.contender
            ]
            if runs:
                entry[side] = _row(runs[0], runs)
        per_scenario.append(entry)
    return {
        "format": REPORT_FORMAT,
        "config": result.config,
        "elapsed_s": result.elapsed_s,
        "agent": _aggregate(result.agent),
        "baseline": _aggregate(result.baseline),
        "per_scenario": per_scenario,
        "expectations_by_type": {
            kind: {"met": met, "checked": checked}
            for kind, (met, checked) in expectations_by_type(
                result.runs, result.agent.contender
            ).items()
        },
        "timeline": result.timeline,
    }


def write_json(result: EvalResult, path: Path) -> None:
    path.write_text(
        json.dumps(report_json(result), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def show(value: Any, kind: str) -> str:
    if value is None:
        return "n/a"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "pct":
        return f"{value:.1f}%"
    if kind == "share":
        return f"{value * 100:.1f}%"
    return f"{value:,.2f}"


# --- SVG ----------------------------------------------------------------------------

COLORS = {"agent": "#1f6feb", "baseline": "#d1242f"}


def _nice_top(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude: int = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def line_chart(
    series: list[tuple[str, list[float], str, bool]],
    *,
    title: str,
    y_label: str,
    width: int = 640,
    height: int = 280,
) -> str:
    """Lines over days: (label, values, colour, dashed)."""
    legend_rows = (len(series) + 2) // 3
    left, right, top, bottom = 84, 16, 34 + 16 * legend_rows, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    days = max((len(values) for _, values, _, _ in series), default=1) - 1 or 1
    peak = _nice_top(max((max(values, default=0) for _, values, _, _ in series), default=0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{html.escape(title)}">',
        f'<text x="{left}" y="20" font-size="14" font-weight="600">{html.escape(title)}</text>',
    ]
    for index in range(5):
        value = peak * index / 4
        y = top + plot_h - plot_h * index / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            'stroke="#ddd" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{value:,.0f}</text>"
        )
    for day in range(0, days + 1, 15):
        x = left + plot_w * day / days
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 16}" font-size="11" '
            f'text-anchor="middle">{day}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height - 6}" font-size="11" '
        'text-anchor="middle">day of the run</text>'
    )
    parts.append(
        f'<text x="12" y="{top + plot_h / 2}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 12 {top + plot_h / 2})">{html.escape(y_label)}</text>'
    )
    for index, (label, values, color, dashed) in enumerate(series):
        points = " ".join(
            f"{left + plot_w * day / days:.1f},{top + plot_h - plot_h * value / peak:.1f}"
            for day, value in enumerate(values)
        )
        dash = ' stroke-dasharray="5 4"' if dashed else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"{dash}/>'
        )
        lx = left + 200 * (index % 3)
        ly = 34 + 16 * (index // 3)
        parts.append(
            f'<line x1="{lx}" y1="{ly}" x2="{lx + 18}" y2="{ly}" stroke="{color}" '
            f'stroke-width="2"{dash}/><text x="{lx + 24}" y="{ly + 4}" font-size="11">'
            f"{html.escape(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _overdue(series: dict[str, list[float]], bands: tuple[str, ...]) -> list[float]:
    length = len(series.get("collected_pct", []))
    return [sum(series[band][day] for band in bands) for day in range(length)]


def charts(result: EvalResult) -> list[str]:
    sides = [("agent", result.agent.contender)]
    if result.baseline is not None:
        sides.append(("baseline", result.baseline.contender))
    cash = [
        (f"{label} ({side})", result.timeline[side]["collected_pct"], COLORS[side], False)
        for side, label in sides
        if side in result.timeline
    ]
    overdue_bands = tuple(band.key for band in AGING_BANDS if band.key != "current")
    late_bands = ("days_61_90", "days_over_90")
    aging: list[tuple[str, list[float], str, bool]] = []
    for side, label in sides:
        if side not in result.timeline:
            continue
        aging.append(
            (
                f"{label}: all overdue",
                _overdue(result.timeline[side], overdue_bands),
                COLORS[side],
                False,
            )
        )
        aging.append(
            (f"{label}: 61+ days", _overdue(result.timeline[side], late_bands), COLORS[side], True)
        )
    return [
        line_chart(
            cash,
            title="Cash collected over time (all payments)",
            y_label="% of overdue at start",
        ),
        line_chart(
            aging, title="Overdue receivables over time", y_label="amount (currencies summed)"
        ),
    ]


# --- HTML ---------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;color:#1f2328}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid #d0d7de;padding:.3rem .55rem;text-align:right;font-size:.85rem}
th:first-child,td:first-child{text-align:left}
thead th{background:#f6f8fa}
td.better{background:#dafbe1}td.worse{background:#ffebe9}
td.fail{color:#cf222e;text-align:left}td.ok{color:#1a7f37}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}
small{color:#57606a}
"""


def _metrics_table(agent: Aggregate, baseline: Aggregate | None) -> str:
    head = "<tr><th>Metric</th><th>recoup ({})</th>{}</tr>".format(
        html.escape(agent.contender),
        f"<th>baseline ({html.escape(baseline.contender)})</th>" if baseline else "",
    )
    rows = []
    for key, label, kind, higher in METRICS:
        mine = getattr(agent, key)
        cells = [f"<td>{html.escape(label)}</td>"]
        mark = ""
        theirs = getattr(baseline, key) if baseline else None
        comparable = baseline is not None and higher is not None and None not in (mine, theirs)
        if comparable and mine != theirs:
            mark = "better" if (mine > theirs) == higher else "worse"
        cells.append(f'<td class="{mark}">{show(mine, kind)}</td>')
        if baseline is not None:
            cells.append(f"<td>{show(theirs, kind)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _confusion_table(aggregate: Aggregate) -> str:
    actions: list[str] = sorted({a for row in aggregate.confusion.values() for a in row})
    head = (
        "<tr><th>expected \\ done</th>"
        + "".join(f"<th>{html.escape(a)}</th>" for a in actions)
        + "</tr>"
    )
    rows = []
    for intent in sorted(aggregate.confusion):
        counts = aggregate.confusion[intent]
        rows.append(
            f"<tr><td>{html.escape(intent)}</td>"
            + "".join(f"<td>{counts.get(a, '') or ''}</td>" for a in actions)
            + "</tr>"
        )
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _scenario_table(report: dict[str, Any]) -> str:
    rows = []
    for entry in report["per_scenario"]:
        agent = entry.get("agent", {})
        base = entry.get("baseline", {})
        problems = [f"{e['type']}: {e['detail']}" for e in agent.get("failed_expectations", [])] + [
            f"{v['rule']}: {v['detail']}" for v in agent.get("violations", [])[:5]
        ]
        if agent.get("injection_success"):
            problems.append("injection succeeded")
        status = (
            '<td class="ok">pass</td>'
            if agent.get("passed")
            else f'<td class="fail">{html.escape("; ".join(problems)[:600])}</td>'
        )
        rows.append(
            "<tr>"
            f"<td>{html.escape(entry['scenario'])}<br><small>{html.escape(entry['title'])}"
            "</small></td>"
            f"<td>{show(agent.get('cash_recovered_pct'), 'pct')}</td>"
            f"<td>{show(base.get('cash_recovered_pct'), 'pct')}</td>"
            f"<td>{agent.get('expectations_met', 0)}/{agent.get('expectations', 0)}</td>"
            f"<td>{base.get('expectations_met', 0)}/{base.get('expectations', 0)}</td>"
            f"<td>{agent.get('policy_violations', 0)}</td>"
            f"<td>{base.get('policy_violations', 0)}</td>"
            f"{status}</tr>"
        )
    head = (
        "<tr><th>Scenario</th><th>cash recoup</th><th>cash baseline</th>"
        "<th>expect. recoup</th><th>expect. baseline</th><th>violations recoup</th>"
        "<th>violations baseline</th><th>recoup outcome</th></tr>"
    )
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def render_html(result: EvalResult) -> str:
    report = report_json(result)
    config = result.config
    sections = [
        "<h1>recoup eval</h1>",
        f"<p><small>model <b>{html.escape(str(config.get('model')))}</b>, baseline "
        f"{html.escape(str(config.get('baseline')))}, {result.agent.scenarios} scenarios, "
        f"repeat {config.get('repeat')}, seed {config.get('seed')}, "
        f"{result.elapsed_s:.1f} s</small></p>",
        "<h2>recoup against the fixed-schedule dunning baseline</h2>",
        _metrics_table(result.agent, result.baseline),
        '<div class="charts">' + "".join(charts(result)) + "</div>",
        "<h2>What was done about each customer message (recoup)</h2>",
        _confusion_table(result.agent),
    ]
    if result.baseline is not None:
        sections += [
            "<h2>Policy violations by rule</h2>",
            "<table><thead><tr><th>rule</th><th>recoup</th><th>baseline</th></tr></thead>"
            "<tbody>"
            + "".join(
                f"<tr><td>{html.escape(rule)}</td>"
                f"<td>{result.agent.violations_by_rule.get(rule, 0)}</td>"
                f"<td>{result.baseline.violations_by_rule.get(rule, 0)}</td></tr>"
                for rule in sorted(
                    set(result.agent.violations_by_rule) | set(result.baseline.violations_by_rule)
                )
            )
            + "</tbody></table>",
        ]
    sections += [
        "<h2>Expectations by type (recoup)</h2>",
        "<table><thead><tr><th>type</th><th>met</th></tr></thead><tbody>"
        + "".join(
            f"<tr><td>{html.escape(kind)}</td><td>{count['met']}/{count['checked']}</td></tr>"
            for kind, count in report["expectations_by_type"].items()
        )
        + "</tbody></table>",
    ]
    sections += ["<h2>Scenarios</h2>", _scenario_table(report)]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>recoup eval</title><style>{_STYLE}</style></head><body>"
        + "".join(sections)
        + "</body></html>\n"
    )


def write_html(result: EvalResult, path: Path) -> None:
    path.write_text(render_html(result), encoding="utf-8")
