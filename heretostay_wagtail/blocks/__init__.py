"""StreamField blocks organizers build campaign pages and guides from (one module per topic)."""

from .campaign import CampaignBodyBlock, GuideBodyBlock

__all__ = ["CampaignBodyBlock", "GuideBodyBlock"]
