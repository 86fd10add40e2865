"""torchvision-stats: compare torchvision's pre-trained weights. Run with `make run`."""

import logging

import streamlit as st

from dashboard import data, sidebar, versions

# The package logs each fetch and parse; show them in the server's output.
package_log = logging.getLogger("torchvision_stats")
if not package_log.handlers:
    package_log.addHandler(logging.StreamHandler())
    package_log.setLevel(logging.INFO)

st.set_page_config(page_title="torchvision-stats", page_icon=":material/scatter_plot:", layout="wide")

navigation = st.navigation(
    [
        st.Page("app_pages/explore.py", title="Explore", icon=":material/scatter_plot:", default=True),
        st.Page("app_pages/tables.py", title="Tables", icon=":material/table:", url_path="tables"),
        st.Page(
            "app_pages/compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"
        ),
        st.Page("app_pages/pick.py", title="Pick a model", icon=":material/target:", url_path="pick"),
        st.Page("app_pages/history.py", title="History", icon=":material/history:", url_path="history"),
        st.Page(
            "app_pages/quantization.py",
            title="Quantization",
            icon=":material/compress:",
            url_path="quantization",
        ),
        st.Page(
            "app_pages/speed.py", title="Speed on your hardware", icon=":material/speed:", url_path="speed"
        ),
        st.Page("app_pages/about.py", title="About the data", icon=":material/info:", url_path="about"),
    ]
)
sidebar.choose_version_and_set()
data.begin_run()
versions.failed_switch_notice()
navigation.run()
# After the page, so the chart reaches the browser first; the sidebar is a separate area anyway.
sidebar.render_data_status(data.page_data())
