"""pledges models (see the issue that builds them)."""

__all__ = []
