"""StreamField blocks organizers build campaign pages and guides from."""

from .campaign import CampaignBodyBlock

__all__ = ["CampaignBodyBlock"]
