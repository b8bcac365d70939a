"""PDF rendering with WeasyPrint, locked down to the site's own static and media files."""
