import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from yhdyspinta.demo import data
from yhdyspinta.parties.validators import business_id_check_digit, validate_business_id

SEED_IDS = [
    data.NORTH_KARELIA["county"]["business_id"],
    data.NORTH_KARELIA["regional_council"]["business_id"],
    *(m[1] for m in data.NORTH_KARELIA["municipalities"].values()),
]


def test_the_seed_has_fifteen_parties_with_business_ids():
    assert len(SEED_IDS) == 15
    assert len(set(SEED_IDS)) == 15


@pytest.mark.parametrize("business_id", SEED_IDS)
def test_every_seed_business_id_is_valid(business_id):
    validate_business_id(business_id)


@pytest.mark.parametrize(
    ("first_seven", "digit"),
    [("3221317", 4), ("0927140", 5), ("0207669", 0), ("0207604", 1), ("1919717", 3)],
)
def test_check_digit_is_computed_with_weights_and_mod_11(first_seven, digit):
    assert business_id_check_digit(first_seven) == digit


def test_remainder_one_has_no_valid_check_digit():
    # 0000010: 4*1 = 4? find a number whose weighted sum mod 11 == 1.
    candidates = [f"{n:07d}" for n in range(200)]
    with_remainder_one = [c for c in candidates if business_id_check_digit(c) is None]
    assert with_remainder_one, "some number must have remainder 1"
    for candidate in with_remainder_one[:5]:
        for digit in range(10):
            with pytest.raises(ValidationError):
                validate_business_id(f"{candidate}-{digit}")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("3221317-5", "check_digit"),
        ("0242746-3", "check_digit"),
        ("3221317", "format"),
        ("322131-74", "format"),
        ("3221317_4", "format"),
        ("A221317-4", "format"),
        ("", "format"),
        (" 3221317-4", "format"),
    ],
)
def test_invalid_business_ids_are_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_business_id(value)
    assert excinfo.value.code == code


def test_error_message_is_finnish():
    with translation.override("fi"), pytest.raises(ValidationError) as excinfo:
        validate_business_id("3221317-5")
    assert "tarkistusnumero on väärä" in excinfo.value.messages[0]
