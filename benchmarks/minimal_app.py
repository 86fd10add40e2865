"""Baseline for the UI benchmark: the smallest Streamlit app with one Plotly scatter."""

import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2], mode="markers")))
