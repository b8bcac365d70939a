"""StreamField blocks organizers build campaign pages and guides from (one module per topic)."""

from heretostay_wagtail.blocks.campaign import CampaignBodyBlock, GuideBodyBlock

__all__ = ["CampaignBodyBlock", "GuideBodyBlock"]
