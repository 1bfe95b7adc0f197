"""Checks: the bill (pure arithmetic), its presentation, discounts and comps, voids,
payments and refunds, moves and merges, the audit log and the till's paper."""
