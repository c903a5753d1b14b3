"""The DfE measures the benchmarking scorecard shows: which file, column and filters each comes from."""

from __future__ import annotations

from dataclasses import dataclass

UNITS = ("count", "percent", "rate_per_10k", "days", "weeks", "average")


@dataclass(frozen=True)
class Rate:
    """A rate computed from two files: numerator (the spec's file and column) per `per` of this."""

    file: str
    column: str
    filters: tuple[tuple[str, str], ...] = ()
    per: float = 10_000
    year_offset: int = -1  # the denominator's time_period relative to the numerator's


@dataclass(frozen=True)
class DfeMeasure:
    """Where one scorecard measure's DfE figure is, and how to judge it."""

    measure: str  # the scorecard's measure id
    file: str  # file name within the data folder
    column: str  # value column
    filters: tuple[tuple[str, str], ...] = ()  # (category column, value) pairs
    polarity: str = "none"  # high | low | none, from the LAIT dictionary
    unit: str = "percent"  # a scorecard unit; percent values are published as points (22.6 = 22.6%)
    period_end_month: int = 3  # month the time_period ends in: 3 = 31 March; 9 = 30 September (csww)
    rate: Rate | None = None  # compute the value as a rate instead of reading it
    lait_measure: str = ""  # the LAIT dictionary measure the polarity comes from

    def renamed(self, measure: str) -> DfeMeasure:
        """The same spec for another scorecard measure id."""
        return DfeMeasure(
            measure,
            self.file,
            self.column,
            self.filters,
            self.polarity,
            self.unit,
            self.period_end_month,
            self.rate,
            self.lait_measure,
        )


CLA_31_MARCH = (("population_type", "Children looked after on 31 March each year"),)
_CLA_ON_31_MARCH = (
    ("cla_group", "CLA on 31 March"),
    ("placement_stability", "With 3 or more placements during the year"),
)
_LONG_TERM = (
    (
        "cla_group",
        "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years",
    ),
    ("placement_stability", "Living with the same carer for at least 2 years"),
)
_CSWW = "csww_indicators_2017_to_2025.csv"

STANDARD_MEASURES: dict[str, DfeMeasure] = {
    m.measure: m
    for m in (
        DfeMeasure(
            "rereferrals_pct",
            "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
            "rereferral_percent",
            polarity="low",
            lait_measure="Percentage of re-referrals to children's social care within 12 months",
        ),
        DfeMeasure(
            "cin_rate_per_10k",
            "b1_children_in_need_2013_to_2025.csv",
            "At31_episodes",
            polarity="none",
            unit="rate_per_10k",
            rate=Rate("ons_mid-year_population_estimates_2012_to_2024.csv", "population_estimate"),
            lait_measure="Children in Need rate per 10,000",
        ),
        DfeMeasure(
            "cpp_subsequent_pct",
            "d3_cpps_subsequent_plan_2013_to_2025.csv",
            "CPP_subsequent_percent",
            polarity="low",
            lait_measure="Percentage of children who became the subject of a plan for a second or "
            "subsequent time",
        ),
        DfeMeasure(
            "cpp_2_years_plus_pct",
            "d5_cpps_at31march_by_duration_2013_to_2025.csv",
            "2_years_or_more_percent",
            polarity="low",
            lait_measure="Child Protection Plans lasting 2 years or more as at 31 March",
        ),
        DfeMeasure(
            "cla_rate_per_10k",
            "cla_number_and_rate_per_10k_children.csv",
            "rate_per_10000",
            CLA_31_MARCH,
            polarity="none",
            unit="rate_per_10k",
            lait_measure="Children looked after rate per 10,000",
        ),
        DfeMeasure(
            "cla_3_plus_placements_pct",
            "la_cla_placement_stability.csv",
            "children_percent",
            _CLA_ON_31_MARCH,
            polarity="low",
            lait_measure="Placement 1 - % CLA with three or more placements",
        ),
        DfeMeasure(
            "cla_same_carer_2_years_pct",
            "la_cla_placement_stability.csv",
            "children_percent",
            _LONG_TERM,
            polarity="high",
            lait_measure="Long Term Placement Stability (%)",
        ),
        DfeMeasure(
            "sw_turnover_pct",
            _CSWW,
            "turnover_rate_fte",
            polarity="low",
            period_end_month=9,
            lait_measure="Percentage rate of social worker turnover",
        ),
        DfeMeasure(
            "sw_agency_pct",
            _CSWW,
            "agency_rate_fte",
            polarity="low",
            period_end_month=9,
            lait_measure="Percentage of agency social workers",
        ),
        DfeMeasure(
            "sw_vacancy_pct",
            _CSWW,
            "vacancy_rate_fte",
            polarity="low",
            period_end_month=9,
            lait_measure="Percentage of social worker vacancies",
        ),
        DfeMeasure(
            "sw_caseload",
            _CSWW,
            "caseload_fte",
            polarity="low",
            unit="average",
            period_end_month=9,
            lait_measure="Average number of cases per children and family social worker "
            "(based on FTE counts)",
        ),
    )
}
"""The measures behind the seed scorecard's DfE comparisons, keyed by a descriptive id; use
`STANDARD_MEASURES["rereferrals_pct"].renamed("CR09")` to give one a scorecard's measure id."""
