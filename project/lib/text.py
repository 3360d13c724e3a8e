def lower_first(label: str) -> str:
    """'In DPO review' -> 'in DPO review': lower-cases a label for mid-sentence use, keeping acronyms."""
    return label[:1].lower() + label[1:]
