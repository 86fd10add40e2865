"""Streamlit glue shared by the pages: cached data and refresh, the docs-version select, the
sidebar, URL-bound page state and common widgets. The logic lives in torchvision_stats; this
package only connects it to Streamlit's caches, session state and elements."""
