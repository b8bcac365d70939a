"""Admin hooks and views for petitions and signatures."""
