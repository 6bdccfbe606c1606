"""Payment timing and dispute rates, derived from the IBM accounts-receivable sample.

The sample (2,466 invoices of 100 customers, net-30 terms) gives, per
invoice, the days late and whether it was disputed. Customers are grouped
into four bands by their mean days late; each band keeps its share of
customers, its late share, its dispute rate and the quantiles of its days
late. Personas draw their habits from a band (see customers.py).

What the sample cannot say — how a customer reacts to a reminder or keeps a
promise — is stated separately under ``assumptions`` and documented as such.

Re-create the committed JSON with::

    python -m recoup.evals.calibration PATH/TO/ibm-accounts-receivable.csv
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import statistics
import sys
from collections import defaultdict
from datetime import datetime
from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field

from recoup.evals.scenario import Profile

CALIBRATION_PATH = Path(__file__).parent / "data" / "ibm_calibration.json"
QUANTILE_POINTS = 21  # 0%, 5%, … 100%
# Upper bounds (exclusive) of a customer's mean days late for each band.
BAND_LIMITS: dict[Profile, float] = {
    Profile.ON_TIME: 1.0,
    Profile.SLIGHTLY_LATE: 5.0,
    Profile.LATE: 12.0,
    Profile.VERY_LATE: float("inf"),
}


class Band(BaseModel):
    customers: int
    share: float = Field(description="Share of the sample's customers in this band.")
    invoices: int
    mean_days_late: float
    late_share: float = Field(description="Share of invoices paid after the due date.")
    dispute_rate: float
    days_late_quantiles: list[float] = Field(
        description=f"{QUANTILE_POINTS} quantiles of days late, 0% to 100% in 5% steps."
    )


class Assumptions(BaseModel):
    """Behaviour the sample does not record; chosen, documented, and the same for
    recoup and the baseline."""

    reminder_response: dict[Profile, float]
    response_delay_days: tuple[int, int]
    promise_keeping: dict[Profile, float]
    tone_factor: dict[str, float]
    annoyance_factor: float
    copy_response: float


class Calibration(BaseModel):
    source_file: str
    source_sha256: str
    invoices: int
    customers: int
    terms_days: int
    dispute_rate: float
    late_share: float
    mean_days_late: float
    mean_days_late_disputed: float
    mean_days_late_undisputed: float
    mean_days_to_settle: float
    days_to_settle_quantiles: list[float]
    bands: dict[Profile, Band]
    assumptions: Assumptions


DEFAULT_ASSUMPTIONS = Assumptions(
    reminder_response={
        Profile.ON_TIME: 0.8,
        Profile.SLIGHTLY_LATE: 0.6,
        Profile.LATE: 0.45,
        Profile.VERY_LATE: 0.3,
    },
    response_delay_days=(1, 6),
    promise_keeping={
        Profile.ON_TIME: 0.95,
        Profile.SLIGHTLY_LATE: 0.85,
        Profile.LATE: 0.7,
        Profile.VERY_LATE: 0.55,
    },
    tone_factor={"courtesy": 0.8, "friendly": 1.0, "firm": 1.25, "final": 1.5},
    annoyance_factor=0.6,
    copy_response=0.9,
)


def quantiles(values: list[float], points: int = QUANTILE_POINTS) -> list[float]:
    """Linear-interpolated quantiles at ``points`` evenly spaced probabilities."""
    ordered = sorted(values)
    if not ordered:
        return [0.0] * points
    result = []
    for index in range(points):
        position = index / (points - 1) * (len(ordered) - 1)
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        fraction = position - low
        result.append(round(ordered[low] + (ordered[high] - ordered[low]) * fraction, 3))
    return result


def band_of(mean_days_late: float) -> Profile:
    return next(profile for profile, limit in BAND_LIMITS.items() if mean_days_late < limit)


def _date(text: str) -> datetime:
    return datetime.strptime(text.strip(), "%m/%d/%Y")


def derive_calibration(csv_path: Path) -> Calibration:
    raw = csv_path.read_bytes()
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    if not rows:
        raise ValueError(f"{csv_path}: no rows")
    by_customer: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_customer[row["customerID"]].append(row)
    days_late = [float(row["DaysLate"]) for row in rows]
    disputed = [row["Disputed"].strip().lower() == "yes" for row in rows]
    terms = statistics.mode((_date(r["DueDate"]) - _date(r["InvoiceDate"])).days for r in rows)
    members: dict[Profile, list[list[dict[str, str]]]] = {profile: [] for profile in Profile}
    for invoices in by_customer.values():
        mean = statistics.mean(float(r["DaysLate"]) for r in invoices)
        members[band_of(mean)].append(invoices)
    bands: dict[Profile, Band] = {}
    for profile, groups in members.items():
        invoices = [row for group in groups for row in group]
        late = [float(r["DaysLate"]) for r in invoices]
        bands[profile] = Band(
            customers=len(groups),
            share=round(len(groups) / len(by_customer), 4),
            invoices=len(invoices),
            mean_days_late=round(statistics.mean(late), 3) if late else 0.0,
            late_share=round(sum(1 for d in late if d > 0) / len(late), 4) if late else 0.0,
            dispute_rate=round(
                sum(1 for r in invoices if r["Disputed"].strip().lower() == "yes") / len(invoices),
                4,
            )
            if invoices
            else 0.0,
            days_late_quantiles=quantiles(late),
        )
    settle = [float(row["DaysToSettle"]) for row in rows]
    return Calibration(
        source_file=csv_path.name,
        source_sha256=hashlib.sha256(raw).hexdigest(),
        invoices=len(rows),
        customers=len(by_customer),
        terms_days=terms,
        dispute_rate=round(sum(disputed) / len(rows), 4),
        late_share=round(sum(1 for d in days_late if d > 0) / len(rows), 4),
        mean_days_late=round(statistics.mean(days_late), 3),
        mean_days_late_disputed=round(
            statistics.mean(d for d, flag in zip(days_late, disputed, strict=True) if flag), 3
        ),
        mean_days_late_undisputed=round(
            statistics.mean(d for d, flag in zip(days_late, disputed, strict=True) if not flag), 3
        ),
        mean_days_to_settle=round(statistics.mean(settle), 3),
        days_to_settle_quantiles=quantiles(settle),
        bands=bands,
        assumptions=DEFAULT_ASSUMPTIONS,
    )


@cache
def load_calibration(path: Path = CALIBRATION_PATH) -> Calibration:
    return Calibration.model_validate_json(path.read_text(encoding="utf-8"))


def quantile_value(points: list[float], probability: float) -> float:
    """The value at ``probability`` on a quantile table (linear between points)."""
    probability = min(max(probability, 0.0), 1.0)
    position = probability * (len(points) - 1)
    low = int(position)
    high = min(low + 1, len(points) - 1)
    return points[low] + (points[high] - points[low]) * (position - low)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path, help="the IBM accounts-receivable CSV")
    parser.add_argument("--out", type=Path, default=CALIBRATION_PATH)
    args = parser.parse_args(argv)
    calibration = derive_calibration(args.csv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(calibration.model_dump_json(indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {calibration.invoices} invoices, {calibration.customers} customers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
