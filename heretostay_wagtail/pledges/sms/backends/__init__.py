"""SMS backends that ship with the package: console (development) and locmem (tests)."""
