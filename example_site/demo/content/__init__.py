"""Demo content, one module per feature. Each loader takes (home_en, home_es)."""

from .grassroots import load as load_grassroots
from .guides import load as load_guides
from .images import load as load_images
from .petitions import load as load_petitions
from .pledges import load as load_pledges

CONTENT_LOADERS = [load_petitions, load_pledges, load_guides, load_images, load_grassroots]
