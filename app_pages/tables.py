"""Tables: every category as a sortable table, with CSV downloads."""

import streamlit as st

from app_pages import common
from torchvision_stats import formatting

result = common.page_data()
data = result.data

st.title("Tables")
st.caption(
    "Every weight of every category, as the docs list it. Click a header to sort; "
    "use the table's search icon to find a weight."
)
st.download_button(
    "Download all (zip of CSVs + provenance)",
    data=common.all_tables_zip(),
    file_name="torchvision-weights.zip",
    mime="application/zip",
    icon=":material/folder_zip:",
    on_click="ignore",
    key="tables.download-all",
)
for category in data.categories():
    table = data.tables[category.slug]
    st.subheader(formatting.markdown("{} ({})", category.title, len(table)))
    st.caption(formatting.markdown("Evaluated on {}. {}", category.dataset, category.description))
    common.kept_notice(result, category.slug)
    st.dataframe(table, hide_index=True, column_config=common.column_config(table))
    common.csv_download(
        f"Download {category.slug}.csv", table, f"{category.slug}.csv", f"tables.download.{category.slug}"
    )
if data.missing_categories:
    st.warning(formatting.markdown("The docs page has no table for: {}.", ", ".join(data.missing_categories)))
