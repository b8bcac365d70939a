"""Wagtail admin views and hooks, one module per feature."""
