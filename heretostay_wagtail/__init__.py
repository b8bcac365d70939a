"""Campaign toolkit for immigrant-rights organizations on Wagtail."""

__version__ = "0.1.0.dev0"
