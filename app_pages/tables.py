"""Tables: every category as a sortable table, with CSV downloads."""

import streamlit as st

from dashboard import data, sidebar, widgets
from torchvision_stats.output import formatting
from torchvision_stats.views import pages

keys = pages.TABLES

result = data.page_data()

st.title("Tables")
st.caption(
    "Every weight of every category, as the docs list it. Click a header to sort; "
    "use the table's search icon to find a weight."
)
widgets.measured_caption(list(result.data.tables.values()))
st.download_button(
    "Download all (zip of CSVs + provenance)",
    data=data.all_tables_zip(),
    file_name="torchvision-weights.zip",
    mime="application/zip",
    icon=":material/folder_zip:",
    on_click="ignore",
    key=keys("download-all"),
)
for category in result.data.categories():
    table = result.data.tables[category.slug]
    st.subheader(formatting.markdown("{} ({})", category.title, len(table)))
    st.caption(formatting.markdown("Evaluated on {}. {}", category.dataset, category.description))
    sidebar.kept_notice(result, category.slug)
    widgets.show_table(table)
    widgets.csv_download(
        f"Download {category.slug}.csv", table, f"{category.slug}.csv", keys("download", category.slug)
    )
if result.data.missing_categories:
    st.warning(
        formatting.markdown("The docs page has no table for: {}.", ", ".join(result.data.missing_categories))
    )
