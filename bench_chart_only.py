import streamlit as st

from torchvision_stats import charts, view_state
from torchvision_stats.load import load_weight_tables

r = load_weight_tables(offline=True)
v, _ = view_state.view_from_query({}, r.data.tables)
st.plotly_chart(charts.scatter_figure(r.data.tables["classification"], v))
