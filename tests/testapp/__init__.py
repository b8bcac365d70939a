"""The test project's own app: a home page to put campaigns under (like a host site's)."""
