"""torchvision-stats: compare torchvision's pre-trained weights. Run with `make run`."""

import streamlit as st

from pages import common

st.set_page_config(page_title="torchvision-stats", page_icon=":material/scatter_plot:", layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/explore.py", title="Explore", icon=":material/scatter_plot:", default=True),
        st.Page("pages/tables.py", title="Tables", icon=":material/table:", url_path="tables"),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
        st.Page("pages/about.py", title="About the data", icon=":material/info:", url_path="about"),
    ]
)
navigation.run()
# After the page, so the chart reaches the browser first; the sidebar is a separate area anyway.
common.render_data_status(common.page_data())
