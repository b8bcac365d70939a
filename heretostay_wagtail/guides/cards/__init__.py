"""Deportation-defense card files: wallet PDF, print sheets and a phone image.

Rendered from a ``DefenseCard`` snippet through ``pdf.render`` and cached in the
``STORAGE`` alias, keyed by the card's content hash, language and format.
"""
