"""Today's agencies, the 2015 departments they replaced, and the routing rules naming them (docs/agencies.md)."""

from __future__ import annotations

from functools import cache

import pandas as pd

from surveillance.reference.tables import read_table


@cache
def agencies() -> pd.DataFrame:
    return read_table("agencies.csv")


@cache
def former_agencies() -> pd.DataFrame:
    """The 2015 plan's departments (and renamed ones) with the agency their duty passed to."""
    return read_table("former_agencies.csv")


@cache
def duty_transfers() -> pd.DataFrame:
    """Which 2015 department's duty passed to which of today's agencies, and on what basis."""
    return read_table("duty_transfers.csv")


@cache
def agency_names() -> dict[str, str]:
    """Agency id -> name: today's agencies, and former ones (alerts and digests sent before the reform
    keep the id they were sent to) named with their successor."""
    names = dict(zip(agencies()["agency_id"], agencies()["name"], strict=True))
    for row in former_agencies().itertuples(index=False):
        if row.agency_id not in names:
            names[row.agency_id] = f"{row.name}（已撤销，职责现属{names[row.successor_id]}）"
    return names

OFFICE_KIND = "ZLB"  # the coordinating office's kind in agencies.csv


@cache
def office() -> str:
    """The provincial coordinating office's agency id: it receives what no rule covers and may decide any episode."""
    frame = agencies()
    return str(frame[(frame["kind"] == OFFICE_KIND) & (frame["level"] == "province")]["agency_id"].iloc[0])


@cache
def successors() -> dict[str, str]:
    """Former agency id -> the id of today's agency its duty passed to."""
    former = former_agencies()
    return dict(zip(former["agency_id"], former["successor_id"], strict=True))


@cache
def agency_levels() -> dict[str, str]:
    """Agency id -> province | city."""
    return dict(zip(agencies()["agency_id"], agencies()["level"], strict=True))


@cache
def predecessors(agency_id: str) -> tuple[str, ...]:
    """An agency's id and the ids of the departments whose duty passed to it (their alerts are its history)."""
    former = former_agencies()
    return tuple(dict.fromkeys([agency_id, *former[former["successor_id"] == agency_id]["agency_id"]]))


RULE_VALUES = {"lead": ("0", "1"), "reach": ("city", "county")}


@cache
def routing_rules() -> pd.DataFrame:
    return checked_rules(read_table("routing_rules.csv"))


def checked_rules(frame: pd.DataFrame) -> pd.DataFrame:
    """The rules with ``lead`` as a boolean; a ``lead`` or ``reach`` the file does not spell as documented is
    refused (never read as "not lead" or "city only", which would silently tell fewer agencies)."""
    for column, allowed in RULE_VALUES.items():
        bad = frame[~frame[column].isin(allowed)]
        if len(bad):
            row = bad.index[0]
            raise ValueError(f"routing_rules.csv row {row + 2}: {column} {frame.at[row, column]!r} is not one of "
                             f"{', '.join(allowed)}")
    return frame.assign(lead=frame["lead"] == "1")
