"""The calibration: derived from the IBM accounts-receivable sample, committed as JSON."""

from __future__ import annotations

import csv
import os
import statistics
from collections import defaultdict
from pathlib import Path

import pytest

from recoup.evals.calibration import (
    CALIBRATION_PATH,
    band_of,
    derive_calibration,
    load_calibration,
    main,
    quantile_value,
    quantiles,
)
from recoup.evals.scenario import Profile

HEADER = (
    "countryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,"
    "Disputed,SettledDate,PaperlessBill,DaysToSettle,DaysLate"
)


def _sample_csv(path: Path) -> Path:
    rows = [
        # customer A: always on time
        "391,A,1/1/2013,1,1/2/2013,2/1/2013,10.00,No,1/20/2013,Paper,18,0",
        "391,A,1/1/2013,2,2/2/2013,3/4/2013,10.00,No,3/1/2013,Paper,27,0",
        # customer B: mean 8 days late, one dispute
        "406,B,1/1/2013,3,1/2/2013,2/1/2013,20.00,Yes,2/11/2013,Paper,40,10",
        "406,B,1/1/2013,4,2/2/2013,3/4/2013,20.00,No,3/10/2013,Paper,36,6",
        # customer C: mean 30 days late, both disputed
        "770,C,1/1/2013,5,1/2/2013,2/1/2013,30.00,Yes,3/13/2013,Paper,70,40",
        "770,C,1/1/2013,6,2/2/2013,3/4/2013,30.00,Yes,3/24/2013,Paper,50,20",
    ]
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_derivation_on_a_hand_checked_sample(tmp_path: Path) -> None:
    calibration = derive_calibration(_sample_csv(tmp_path / "sample.csv"))
    assert calibration.invoices == 6 and calibration.customers == 3
    assert calibration.terms_days == 30
    assert calibration.dispute_rate == pytest.approx(3 / 6, abs=1e-4)
    assert calibration.late_share == pytest.approx(4 / 6, abs=1e-4)
    assert calibration.mean_days_late == pytest.approx(76 / 6, abs=1e-3)
    assert calibration.mean_days_late_disputed == pytest.approx(70 / 3, abs=1e-3)
    bands = calibration.bands
    assert bands[Profile.ON_TIME].customers == 1
    assert bands[Profile.LATE].customers == 1  # B: mean 8
    assert bands[Profile.VERY_LATE].customers == 1  # C: mean 30
    assert bands[Profile.SLIGHTLY_LATE].customers == 0
    assert bands[Profile.VERY_LATE].dispute_rate == 1.0
    assert bands[Profile.VERY_LATE].days_late_quantiles[0] == 20
    assert bands[Profile.VERY_LATE].days_late_quantiles[-1] == 40
    assert bands[Profile.VERY_LATE].days_late_quantiles[10] == 30  # the median


def test_quantiles_and_their_inverse() -> None:
    points = quantiles([0, 10, 20, 30, 40])
    assert points[0] == 0 and points[-1] == 40 and points[10] == 20
    assert quantile_value(points, 0.25) == pytest.approx(10)
    assert quantile_value(points, 1.5) == 40
    assert band_of(0.5) is Profile.ON_TIME and band_of(12.0) is Profile.VERY_LATE


def _ibm_csv() -> Path | None:
    configured = os.environ.get("RECOUP_IBM_CSV")
    if configured:
        return Path(configured)
    # The issue places the sample beside the repository: ../shared/data/.
    beside = Path(__file__).resolve().parents[3] / "shared" / "data"
    candidate = beside / "ibm-accounts-receivable.csv"
    return candidate if candidate.exists() else None


def test_the_committed_calibration_matches_the_ibm_sample(tmp_path: Path) -> None:
    source = _ibm_csv()
    if source is None:
        pytest.skip("the IBM sample is not here (set RECOUP_IBM_CSV)")
    committed = load_calibration(CALIBRATION_PATH)
    assert derive_calibration(source) == committed
    rows = list(csv.DictReader(source.read_text(encoding="utf-8-sig").splitlines()))
    assert committed.invoices == len(rows) == 2466
    disputed = sum(1 for r in rows if r["Disputed"] == "Yes")
    assert committed.dispute_rate == round(disputed / len(rows), 4)
    late = [int(r["DaysLate"]) for r in rows]
    assert committed.mean_days_late == round(statistics.mean(late), 3)
    means: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        means[row["customerID"]].append(int(row["DaysLate"]))
    on_time = sum(1 for values in means.values() if statistics.mean(values) < 1)
    assert committed.bands[Profile.ON_TIME].customers == on_time
    assert sum(b.customers for b in committed.bands.values()) == committed.customers == 100
    out = tmp_path / "calibration.json"
    assert main([str(source), "--out", str(out)]) == 0
    assert load_calibration.__wrapped__(out) == committed  # type: ignore[attr-defined]
