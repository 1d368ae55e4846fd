"""Outbreak-detection measures of a method's alarms over the evaluated weeks of simulated series, as the
comparison papers define them (Noufaily et al. 2013; Bédubourg & Le Strat 2017):

- false-positive rate: alarms among the evaluated weeks with no outbreak case, over those weeks;
- probability of detection (POD): evaluated outbreaks with at least one alarm in a week holding their cases;
- sensitivity: the evaluated outbreak's weeks with an alarm, over its weeks;
- specificity: 1 - false-positive rate;
- positive predictive value: alarms in weeks holding outbreak cases, over all alarms;
- timeliness: weeks from an outbreak's start to its first alarm, over the outbreaks detected;
- POD in the first week (Bédubourg & Le Strat's POD1week): outbreaks with an alarm in the first week holding
  their cases, over all outbreaks. Unlike timeliness it does not improve when a method detects fewer outbreaks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Counts:
    """Sums over series, so that measures pool over scenarios by adding counts, not averaging rates."""

    quiet_weeks: int = 0
    false_alarms: int = 0
    outbreaks: int = 0
    detected: int = 0
    outbreak_weeks: int = 0
    outbreak_weeks_alarmed: int = 0
    alarms: int = 0
    true_alarms: int = 0
    delay_sum: int = 0
    first_week_detected: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(asdict(self).values(), asdict(other).values(), strict=True)))

    def measures(self) -> dict[str, float | None]:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        fpr = ratio(self.false_alarms, self.quiet_weeks)
        return {"fpr": fpr, "pod": ratio(self.detected, self.outbreaks),
                "sensitivity": ratio(self.outbreak_weeks_alarmed, self.outbreak_weeks),
                "specificity": None if fpr is None else round(1 - fpr, 4),
                "ppv": ratio(self.true_alarms, self.alarms), "timeliness": ratio(self.delay_sum, self.detected),
                "pod_first_week": ratio(self.first_week_detected, self.outbreaks),
                "outbreaks": self.outbreaks, "weeks": self.quiet_weeks + self.outbreak_weeks}


def score(alarm: np.ndarray, current: np.ndarray, any_outbreak: np.ndarray, start: np.ndarray) -> Counts:
    """``alarm``: (series x evaluated weeks) booleans; ``current``/``any_outbreak``: the evaluated outbreak's
    and all outbreaks' cases in those weeks; ``start``: the evaluated outbreak's start as an index into
    the evaluated weeks. A NaN threshold (no alarm possible) counts as no alarm."""
    alarm = np.asarray(alarm, dtype=bool)
    mine, quiet = current > 0, any_outbreak == 0
    hit = alarm & mine
    detected = hit.any(axis=1)
    weeks = np.arange(alarm.shape[1])[None, :]
    first = np.where(hit, weeks, alarm.shape[1]).min(axis=1)
    has = mine.any(axis=1)
    opening = np.where(mine, weeks, alarm.shape[1]).min(axis=1)  # the first week holding the outbreak's cases
    first_week = has & (first == opening)
    return Counts(quiet_weeks=int(quiet.sum()), false_alarms=int((alarm & quiet).sum()), outbreaks=int(has.sum()),
                  detected=int((detected & has).sum()), outbreak_weeks=int(mine.sum()),
                  outbreak_weeks_alarmed=int(hit.sum()), alarms=int(alarm.sum()),
                  true_alarms=int((alarm & (any_outbreak > 0)).sum()),
                  delay_sum=int((first - start)[detected & has].sum()), first_week_detected=int(first_week.sum()))
