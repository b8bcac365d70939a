"""Paper signatures: printable sheets, entering them back, and delivering the petition."""
