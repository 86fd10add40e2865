"""Speed on your hardware: measure weights here or upload sets measured elsewhere, and see how far
the docs' GFLOPS are from measured latency, and how machines compare."""

import streamlit as st

from dashboard import data, machines, measurement_sets, run_panel, set_manager, widgets
from torchvision_stats import registry
from torchvision_stats.measure import environment
from torchvision_stats.output import charts, formatting
from torchvision_stats.questions import measured_speed
from torchvision_stats.views import pages

keys = pages.SPEED

result = data.page_data()
tables = result.data.tables
active = measurement_sets.selected()

st.title("Speed on your hardware")
st.caption(
    "The docs' GFLOPS and parameter counts are proxies; measured latency is what you decide by. Measure "
    "weights on this machine, or upload a CSV made with the CLI on another (a GPU server, say)."
)

st.subheader("Measure")
if measurement_sets.shared_server():
    st.info(
        "This is a shared server: measuring here is off, so nobody's run slows another's pages. "
        "Upload a set measured elsewhere."
    )
elif not environment.measuring_allowed():
    st.info(
        "Measuring is switched off on this server (TVSTATS_MEASURE=off). Upload a set measured elsewhere."
    )
elif not environment.torch_available():
    st.info(
        "Measuring needs torch and torchvision: `pip install 'torchvision-stats[measure]'` (in this "
        "repo: `make install-measure`), then restart the app. Uploading a set measured elsewhere works "
        "without them.",
        icon=":material/download:",
    )
else:
    run_panel.run_form(tables)
run_panel.progress_panel()

st.subheader("Measurement sets")
set_manager.set_manager({w for table in tables.values() for w in table[registry.WEIGHT.label]})

if active is None:
    st.stop()
st.subheader("GFLOPS against measured latency")
st.caption(formatting.markdown("Latency measured on {}: {}.", active.label, active.describe()))
slug = st.selectbox(
    "Category", list(tables), format_func=lambda s: registry.CATEGORIES[s].title, key=keys("proxy-category")
)
table = tables[slug]
proxy = registry.CATEGORIES[slug].cost_in(table.columns)
rho, count = measured_speed.rank_correlation(table, proxy)
if count < 3:  # in the chart's place: why there is none, and what would draw one
    st.info(
        formatting.markdown(
            "{} has {} with both {} and a latency: too few to compare. Choose another "
            "category, or a set that measured them.",
            active.label,
            registry.counted(count, registry.CATEGORIES[slug].title.lower() + " weight"),
            proxy,
        ),
        icon=":material/filter_alt_off:",
    )
else:
    st.plotly_chart(
        charts.proxy_figure(table, proxy, registry.LATENCY.label, active.label), key=keys("proxy")
    )
    st.markdown(
        formatting.markdown(
            "Rank correlation of {} and measured latency (Spearman): **{:.2f}** over {} weights.",
            proxy,
            rho,
            count,
        )
    )
    st.caption("Where the proxy misleads most: a positive difference is slower than its GFLOPS rank says.")
    widgets.show_table(measured_speed.rank_differences(table, proxy))

st.subheader("Across machines")
machines.across_machines(tables, active)

st.subheader("Speed-up of compile or precision")
machines.speed_up()
