"""Quantization: what int8 costs in accuracy, next to the float model it came from."""

import streamlit as st

from dashboard import data, measurement_sets, sidebar, widgets
from torchvision_stats import registry
from torchvision_stats.output import formatting
from torchvision_stats.output.charts import quantization_figure
from torchvision_stats.questions import quantization
from torchvision_stats.views import pages

keys = pages.QUANTIZATION

result = data.page_data()
tables = result.data.tables

st.title("Quantization impact")
st.caption(
    "Each quantized weight next to the float weight it was made from (same model, the backend part "
    "of the name dropped: ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2 ↔ ResNet50_Weights.IMAGENET1K_V2)."
)
if registry.QUANTIZED not in tables or registry.FLOAT_OF_QUANTIZED not in tables:
    st.info("This docs version has no quantized classification table.")
    st.stop()
for slug in (registry.QUANTIZED, registry.FLOAT_OF_QUANTIZED):
    sidebar.kept_notice(result, slug)

pairs, unpaired = quantization.pair_with_float(
    tables[registry.QUANTIZED], tables[registry.FLOAT_OF_QUANTIZED]
)
if not pairs.empty:
    count, median_change, largest_drop = quantization.summary(pairs)
    summary = st.columns(3)
    summary[0].metric("Pairs", count)
    summary[1].metric("Median Acc@1 change", f"{median_change:+.2f}")
    summary[2].metric("Largest drop", f"{largest_drop:+.2f}")
    st.plotly_chart(quantization_figure(pairs), key=keys("chart"), config={"displaylogo": False})
    widgets.show_table(pairs)
    widgets.csv_download("Download pairs as CSV", pairs, "quantization-pairs.csv", keys("download"))
    if quantization.SPEED_UP in pairs.columns and pairs[quantization.SPEED_UP].notna().any():
        st.caption(
            formatting.markdown(
                "Speed-up: the float weight's latency over the quantized one's, both measured on {} "
                "(median {:.2f}×).",
                measurement_sets.selected().label,
                pairs[quantization.SPEED_UP].median(),
            )
        )
    if quantization.same_operation_counts(pairs):
        st.caption(
            "In every pair the quantized weight's GIPS equal the float model's GFLOPS: quantization "
            "changes the arithmetic (int8 instead of float), not the number of operations."
        )
if not unpaired.empty:
    st.subheader(formatting.markdown("Without a float counterpart ({})", len(unpaired)))
    widgets.show_table(unpaired)
