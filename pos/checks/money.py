"""Formatting integer minor units for display: pure."""
from __future__ import annotations

SYMBOLS = {"HKD": "HK$", "USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "TWD": "NT$", "JPY": "¥",
           "SGD": "S$", "MOP": "MOP$", "CAD": "C$", "AUD": "A$"}


def format_money(minor: int, currency: str, minor_unit: int) -> str:
    sign = "-" if minor < 0 else ""
    units, cents = divmod(abs(minor), 10 ** minor_unit) if minor_unit else (abs(minor), 0)
    body = f"{units:,}" + (f".{cents:0{minor_unit}d}" if minor_unit else "")
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{body}"
