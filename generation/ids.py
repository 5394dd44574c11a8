"""Row ids from requests (JSON fields, query strings, form fields): ASCII digits within a bigint."""

BIGINT_MAX = 2**63 - 1


def is_id(value) -> bool:
    """ASCII digits. isdigit() alone lets "²" (int() fails) and "١٢" through; JSON's true is no id."""
    return not isinstance(value, bool) and str(value).isascii() and str(value).isdigit()


def parse_id(value) -> int | None:
    """``value`` as a row id; None when it is not one, or past a bigint (no row can have it)."""
    if not is_id(value):
        return None
    pk = int(value)
    return pk if pk <= BIGINT_MAX else None
