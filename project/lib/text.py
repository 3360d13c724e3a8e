"""Words for pages, messages and files. Pure Python: the deadline rules, which import no Django,
use these too."""


def lower_first(label: str) -> str:
    """'In DPO review' -> 'in DPO review': lower-cases a label for mid-sentence use, keeping acronyms."""
    return label[:1].lower() + label[1:]


def plural(n: int, noun: str, *, one: str = "") -> str:
    """'3 agencies', '1 working day'; `one` words a single one differently ('the chosen area')."""
    if n == 1:
        return one or f"1 {noun}"
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return f"{n} {noun[:-1]}ies"
    return f"{n} {noun}s"


def display_name(user, nobody: str = "The tracker") -> str:
    """A user's full name, else their username; `nobody` for no user (the system acting, or a
    user since removed)."""
    if user is None:
        return nobody
    return user.get_full_name() or user.get_username()
