"""Placeholder until the dashboard lands: shows the loaded tables."""

import streamlit as st

from torchvision_stats.load import load_weight_tables

result = load_weight_tables("main")
st.title("torchvision-stats")
st.caption(result.describe())
for category in result.data.categories():
    st.subheader(category.title)
    st.dataframe(result.data.tables[category.slug], hide_index=True)
