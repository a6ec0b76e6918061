"""The matcher's reading of references: separators, case and letter-for-digit slips, numbers in narratives,
Luhn, and the valid numbers one slip away from an invalid one."""

from apps.finance import matching
from apps.finance.control_numbers import is_valid, luhn_digit


def _number(body: str) -> str:
    return body + luhn_digit(body)


NUMBER = _number("00010000042")


def test_normalise_spaces_dashes_case_and_slips():
    assert matching.reference_normalise(" 0001-0000 042" + NUMBER[-1] + " ") == NUMBER
    assert matching.reference_normalise("OOO1 OOOO O42" + NUMBER[-1]) == NUMBER
    assert matching.reference_normalise("l2S4B6Z8") == "12548628"
    assert matching.reference_normalise("school fees") == "SCHOOL FEES"


def test_references_in_narratives():
    spaced = f"SCHOOL FEES {NUMBER[:4]} {NUMBER[4:8]} {NUMBER[8:]} JOHN"
    assert matching.references_in(spaced) == [NUMBER]
    slipped = "ctrl no " + NUMBER[:8] + "O" + NUMBER[9:]
    assert matching.references_in(slipped) == [NUMBER]
    assert matching.references_in("BILL SO 1234") == []
    assert matching.references_in("TXN 1234567890123456 fees") == []  # a bank's 16-digit id is not one
    assert matching.references_in(f"{NUMBER} and {NUMBER}") == [NUMBER]


def test_luhn_and_near_misses():
    assert is_valid(NUMBER) and matching.near_misses(NUMBER) == ()
    swapped = NUMBER[:9] + NUMBER[10] + NUMBER[9] + NUMBER[11]
    if swapped != NUMBER:
        assert not is_valid(swapped) and NUMBER in matching.near_misses(swapped)
    changed = NUMBER[:6] + str((int(NUMBER[6]) + 3) % 10) + NUMBER[7:]
    fixes = matching.near_misses(changed)
    assert NUMBER in fixes and all(is_valid(n) for n in fixes)
    assert all(n.startswith("0001") for n in matching.near_misses(changed, "0001"))
    assert matching.near_misses(changed, "9999") == ()


def test_sure_needs_one_candidate_at_the_threshold():
    c = matching.Candidate
    assert matching.sure([c(1, 10, "control_number", 100)]).invoice_id == 10
    assert matching.sure([c(1, 10, "narrative", 90), c(2, 11, "narrative", 90)]) is None
    assert matching.sure([c(1, 10, "fuzzy_reference", 70)]) is None
    assert matching.AUTO_CONFIRM == 90
