"""Headless REST API (Django REST Framework), mounted by the host under a prefix."""
