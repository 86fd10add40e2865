"""About the data: provenance, what each category and metric means, the cache."""

import streamlit as st

from dashboard import data, sidebar
from torchvision_stats import registry
from torchvision_stats.data.cache import default_cache_dir
from torchvision_stats.output import formatting
from torchvision_stats.views import pages

keys = pages.ABOUT

result = data.page_data()
provenance = result.data.provenance
categories = list(registry.CATEGORIES.values())

st.title("About the data")
st.markdown(
    "The accuracy, GFLOPS and parameter numbers are read from torchvision's documentation page "
    "*Models and pre-trained weights*, which lists every pre-trained weight with its evaluation results. "
    "Latency, throughput and memory are measured, on the machine each measurement set names."
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
sidebar.refresh_button(keys("refresh"))
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

st.subheader("How latency is measured")
st.markdown(
    "Each weight's own network is built as its builder does with that weight (auxiliary heads, "
    "frozen batch norm, its image size, the quantization backend), without downloading its values: "
    "speed does not depend on them. The model runs in eval mode under `torch.inference_mode()`, in a "
    "process of its own, on an input like the one its weights expect (the crop of its transforms; a "
    "480×640 photo for detection; a 16-frame clip for video).\n\n"
    "- **Warm-up**: 3 untimed calls first (lazy initialisation, the allocator, cuDNN's algorithm search).\n"
    "- **Samples**: then single calls are timed one by one, at least 20 and more until half a second has "
    "been timed; each call starts and ends with a synchronisation of its device, so a GPU's queued "
    "work counts.\n"
    "- **Latency** is the median of those calls and **p90** their 90th percentile. **Spread** is the "
    "interquartile range over the median: over 10 % the weight is timed again and the steadier round "
    "kept, and a latency still over 10 % is marked ⚠ noisy wherever it shows.\n"
    "- **Peak memory** is what the inference held at its peak, weights included; **Weights** the bytes "
    "of the parameters and buffers.\n"
    "- Every row names its machine, device, batch size, dtype, threads and torch version, and one "
    "measurement set never mixes settings. The pages say which set their numbers come from."
)
st.dataframe(
    {
        "Column": list(registry.MEASUREMENT_COLUMNS),
        "Meaning": [column.description for column in registry.MEASUREMENT_COLUMNS.values()],
    },
    hide_index=True,
)
