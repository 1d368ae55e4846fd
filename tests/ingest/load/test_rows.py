"""Rows handed to the writer: a big injury chunk enters the counts index in its order; other tables keep
the file's order."""

import pandas as pd

from surveillance.ingest.contract import CONTRACTS
from surveillance.ingest.load.rows import in_index_order


def test_injury_rows_go_in_counts_index_order_and_none_is_lost() -> None:
    frame = pd.DataFrame({
        "report_id": ["a", "b", "c", "d"],
        "visit_date": ["2026-11-20", "2026-11-18", "2026-11-20", None],
        "product_code": ["P2", "P9", "P1", "P1"],
        "jurisdiction_code": ["610100"] * 4, "severity": ["轻度"] * 4, "outcome": ["离院"] * 4,
        "injury_nature": ["挫伤"] * 4, "body_part": ["头部"] * 4,
    }, index=[10, 11, 12, 13])
    ordered = in_index_order(frame, CONTRACTS["injury"])
    assert ordered["report_id"].tolist() == ["d", "b", "c", "a"]
    assert ordered.index.tolist() == [13, 11, 12, 10]  # rows keep their own index (their place in the file)
    assert ordered.sort_index().equals(frame)


def test_tables_without_a_composite_index_keep_the_file_order() -> None:
    frame = pd.DataFrame({"sample_id": ["s2", "s1"], "sampling_date": ["2026-11-20", "2026-11-01"]})
    assert in_index_order(frame, CONTRACTS["inspection"]) is frame
