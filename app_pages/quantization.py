"""Quantization: what int8 costs in accuracy, next to the float model it came from."""

import streamlit as st

from app_pages import common
from torchvision_stats import formatting, quantization
from torchvision_stats.charts import quantization_figure

result = common.page_data()
tables = result.data.tables

st.title("Quantization impact")
st.caption(
    "Each quantized weight next to the float weight it was made from (same model, the backend part "
    "of the name dropped: ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2 ↔ ResNet50_Weights.IMAGENET1K_V2)."
)
if "quantized_classification" not in tables or "classification" not in tables:
    st.info("This docs version has no quantized classification table.")
    st.stop()

for slug in ("quantized_classification", "classification"):
    common.kept_notice(result, slug)
pairs, unpaired = quantization.pair_with_float(tables["quantized_classification"], tables["classification"])
if not pairs.empty:
    summary = st.columns(3)
    summary[0].metric("Pairs", len(pairs))
    summary[1].metric("Median Acc@1 change", f"{pairs['Δ Acc@1'].median():+.2f}")
    summary[2].metric("Largest drop", f"{pairs['Δ Acc@1'].min():+.2f}")
    st.plotly_chart(quantization_figure(pairs), key="quantization.chart", config={"displaylogo": False})
    st.dataframe(pairs, hide_index=True, column_config=common.column_config(pairs))
    common.csv_download("Download pairs as CSV", pairs, "quantization-pairs.csv", "quantization.download")
    if quantization.same_operation_counts(pairs):
        st.caption(
            "In every pair the quantized weight's GIPS equal the float model's GFLOPS: quantization "
            "changes the arithmetic (int8 instead of float), not the number of operations."
        )
if not unpaired.empty:
    st.subheader(formatting.markdown("Without a float counterpart ({})", len(unpaired)))
    st.dataframe(unpaired, hide_index=True, column_config=common.column_config(unpaired))
