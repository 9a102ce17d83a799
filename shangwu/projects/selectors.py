"""Read-side queries of this module."""
