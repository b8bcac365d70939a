"""Admin hooks and views for pledges."""
