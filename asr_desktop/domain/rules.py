"""The business rules of ASR Desktop, in one namespace (product.md §3, architecture.md §3.3).

Pure functions, standard library only, every parameter passed in as an argument. They live in
small modules by theme and are re-exported here, so callers write::

    from asr_desktop.domain import rules
    rules.required_hours_formula(1_000_000, "0.5", "0.05", 30)   # Decimal('833')

Rounding, stated once:

- required hours: whole hours, HALF_UP, at the end of the computation (833,33 → 833);
- credited hours, forecasts, paces, FTE: hundredths of an hour, HALF_UP;
- amounts (penalties): cents, HALF_UP; ratios: four decimals, HALF_UP.

Module map: ``calibration`` (§3.1), ``hours_rules`` (crediting, line checks, globalisation,
§3.3), ``progress`` (progress, forecast, penalty, what-if), ``eligibility`` (§4), ``outcomes``
(§5), ``indicators`` (age bands, FTE), ``privacy`` (small cells, retention), ``dates``
(month arithmetic).
"""

from __future__ import annotations

from asr_desktop.domain.calibration import (
    CLEANING_TURNOVER_PER_HOUR,
    calibrate,
    cleaning_clause_advised,
    cleaning_weighting,
    needed_inputs,
    required_hours_cleaning,
    required_hours_formula,
    required_hours_manual,
    required_hours_per_euro,
    required_hours_percent,
)
from asr_desktop.domain.dates import (
    add_months,
    add_years,
    age_on,
    first_of_month,
    last_of_month,
    month_range,
    months_between,
)
from asr_desktop.domain.eligibility import (
    IAE_LEVEL2_THRESHOLD,
    clause_eligible,
    eligibility_issue,
    eligibility_valid_on,
    iae_eligible,
    proof_window_end,
    record_valid_on,
    valid_criteria_codes,
)
from asr_desktop.domain.hours_rules import (
    ABOVE_MONTHLY_MAX,
    BEYOND_MAX_MONTHS,
    LOT_NOT_COVERED,
    NOT_ELIGIBLE,
    OUTSIDE_PLACEMENT,
    Credit,
    Flag,
    allocate_globalised_hours,
    check_hours_line,
    credit_hours,
    lot_covered,
)
from asr_desktop.domain.indicators import (
    AGE_BAND_LABELS,
    AGE_BANDS,
    FTE_ANNUAL_HOURS,
    age_band,
    fte,
)
from asr_desktop.domain.outcomes import classify_contract, classify_outcome, follow_up_due_dates
from asr_desktop.domain.privacy import (
    RETENTION_YEARS,
    retention_date,
    small_cell_text,
    suppress_small,
    suppress_table,
)
from asr_desktop.domain.progress import (
    Forecast,
    Progress,
    RiskStatus,
    forecast_at_end,
    monthly_hours,
    monthly_pace,
    penalty,
    progress,
    risk_status,
    what_if,
)

__all__ = [
    "ABOVE_MONTHLY_MAX",
    "AGE_BANDS",
    "AGE_BAND_LABELS",
    "BEYOND_MAX_MONTHS",
    "CLEANING_TURNOVER_PER_HOUR",
    "FTE_ANNUAL_HOURS",
    "IAE_LEVEL2_THRESHOLD",
    "LOT_NOT_COVERED",
    "NOT_ELIGIBLE",
    "OUTSIDE_PLACEMENT",
    "RETENTION_YEARS",
    "Credit",
    "Flag",
    "Forecast",
    "Progress",
    "RiskStatus",
    "add_months",
    "add_years",
    "age_band",
    "age_on",
    "allocate_globalised_hours",
    "calibrate",
    "check_hours_line",
    "classify_contract",
    "classify_outcome",
    "clause_eligible",
    "cleaning_clause_advised",
    "cleaning_weighting",
    "credit_hours",
    "eligibility_issue",
    "eligibility_valid_on",
    "first_of_month",
    "follow_up_due_dates",
    "forecast_at_end",
    "fte",
    "iae_eligible",
    "last_of_month",
    "lot_covered",
    "month_range",
    "monthly_hours",
    "monthly_pace",
    "months_between",
    "needed_inputs",
    "penalty",
    "progress",
    "proof_window_end",
    "record_valid_on",
    "required_hours_cleaning",
    "required_hours_formula",
    "required_hours_manual",
    "required_hours_per_euro",
    "required_hours_percent",
    "retention_date",
    "risk_status",
    "small_cell_text",
    "suppress_small",
    "suppress_table",
    "valid_criteria_codes",
    "what_if",
]
