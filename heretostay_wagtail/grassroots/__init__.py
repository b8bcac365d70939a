"""Grassroots campaigns: community members start petitions from the public site, the
organization moderates them (Wagtail workflows), anyone can report one."""
