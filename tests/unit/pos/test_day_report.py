"""The Z report's pure arithmetic and CSV helpers (pos.register.report and export): no database."""
import csv
import io

import pytest

from pos.register.export import csv_safe, decimal_text
from pos.register.report import covers_of, expected_cash, half_up_div


@pytest.mark.parametrize("amount, n, average", [(42427, 3, 14142), (5, 2, 3), (7, 2, 4), (1, 3, 0), (2, 3, 1),
                                                (-5, 2, -3), (0, 0, 0), (100, 0, 0)])
def test_the_average_check_rounds_half_up(amount, n, average):
    assert half_up_div(amount, n) == average


def test_expected_cash_keeps_cash_tips_and_takes_off_refunds_and_cash_out():
    assert expected_cash(50000, 22330, 500, 1000, 10000, 3000) == 78830
    assert expected_cash(0, 0, 0, 0, 0, 0) == 0


@pytest.mark.parametrize("covers, total, basis", [
    ([2, 4], 6, "recorded"), ([None, None], 2, "estimated"), ([2, None, None], 4, "mixed"), ([], 0, "recorded"),
    ([0, None], 1, "mixed")])
def test_covers_say_how_they_were_counted(covers, total, basis):
    assert covers_of(covers) == (total, basis)


@pytest.mark.parametrize("minor, unit, text", [(38570, 2, "385.70"), (-330, 2, "-3.30"), (5, 2, "0.05"),
                                               (0, 2, "0.00"), (1234567, 0, "1234567"), (-7, 0, "-7"),
                                               (12345, 3, "12.345")])
def test_amounts_are_plain_decimals(minor, unit, text):
    assert decimal_text(minor, unit) == text


@pytest.mark.parametrize("value, safe", [("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-x", "'-x"), ("@a", "'@a"),
                                         ("\tx", "'\tx"), ("宮保雞丁", "宮保雞丁"), ("a=b", "a=b"), (3, 3)])
def test_text_a_spreadsheet_would_run_is_quoted(value, safe):
    assert csv_safe(value) == safe
    out = io.StringIO()
    csv.writer(out).writerow([csv_safe(value)])
    assert next(csv.reader(io.StringIO(out.getvalue())))[0] == str(safe)
