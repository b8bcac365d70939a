"""Admin hooks and views for cards."""
