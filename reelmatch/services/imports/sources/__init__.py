"""One module per import source, each ending in `SOURCE = ImportSource(...)` (see
../source.py); `registry.py` lists them."""
