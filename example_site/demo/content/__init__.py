"""Demo content, one module per feature. Each loader takes (home_en, home_es)."""

from .petitions import load as load_petitions

CONTENT_LOADERS = [load_petitions]
