"""Admin hooks and views for guides."""
