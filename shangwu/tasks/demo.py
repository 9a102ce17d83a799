def build(*, units, users, size: str) -> str:
    """Demo data for this module; returns a one-line summary ('' when nothing was built)."""
    return ""
