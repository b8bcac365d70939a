"""Admin hooks and views for paper."""
