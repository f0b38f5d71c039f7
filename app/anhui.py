"""Anhui's 16 prefecture-level cities, named without 市 as organizations store them.

The first six are 皖北 (northern Anhui), where the data-supplier subsidy may be raised by 20 %.
Pure data: imported by the accounts area (organization cities) and the ledger (subsidy rates).
"""

from __future__ import annotations

NORTHERN_CITIES = ("淮北", "亳州", "宿州", "蚌埠", "阜阳", "淮南")
ANHUI_CITIES = NORTHERN_CITIES + (
    "合肥", "芜湖", "马鞍山", "铜陵", "安庆", "黄山", "滁州", "六安", "池州", "宣城",
)  # fmt: skip
