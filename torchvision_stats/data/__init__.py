"""The data layer: torchvision's docs page turned into typed weight tables, kept and refreshed.

fetch downloads one validated docs page; parse finds its weight tables by header and heading;
normalize types them by the registry; naming derives families and builders from weight names;
dataset holds the tables with their provenance; acceptance decides what of a new page replaces the
copy on hand; cache keeps copies on disk; snapshot reads the pages shipped in snapshots/; load picks
the best source; refresh fetches in the background; versions lists the docs releases; derived adds
the computed metrics. It imports only the registry, never the layers above it or streamlit.
"""
