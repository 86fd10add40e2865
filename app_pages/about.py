"""About the data: provenance, what each category and metric means, the cache."""

import streamlit as st

from dashboard import data, sidebar
from torchvision_stats import registry
from torchvision_stats.data.cache import default_cache_dir
from torchvision_stats.output import formatting

result = data.page_data()
provenance = result.data.provenance
categories = list(registry.CATEGORIES.values())

st.title("About the data")
st.markdown(
    "The numbers are read from torchvision's documentation page *Models and pre-trained weights*, "
    "which lists every pre-trained weight with its evaluation results. Nothing is re-measured here."
)

st.subheader("Where these numbers come from")
st.dataframe(
    {
        "Field": [
            "Source",
            "URL",
            "Fetched or captured",
            "Page version",
            "sha256 of the page",
            "Cache folder",
        ],
        "Value": [
            result.describe(),
            provenance.url,
            f"{provenance.fetched_at:%Y-%m-%d %H:%M} UTC",
            provenance.page_version or "unknown",
            provenance.sha256,
            str(default_cache_dir()),
        ],
    },
    hide_index=True,
)
sidebar.refresh_button("about.refresh")
if result.data.problems:
    with st.expander(
        formatting.markdown("Parse problems ({})", len(result.data.problems)), icon=":material/report:"
    ):
        for problem in result.data.problems:
            st.text(problem)

st.subheader("Categories")
st.dataframe(
    {
        "Category": [c.title for c in categories],
        "Evaluated on": [c.dataset for c in categories],
        "Main metric": [c.main_metric for c in categories],
        "Weights": [len(result.data.tables.get(c.slug, ())) for c in categories],
    },
    hide_index=True,
)

st.subheader("Metrics")
st.dataframe(
    {
        "Metric": list(registry.METRICS),
        "Unit": [m.unit or "—" for m in registry.METRICS.values()],
        "Better": [m.better.value for m in registry.METRICS.values()],
        "Meaning": [m.description for m in registry.METRICS.values()],
    },
    hide_index=True,
)
