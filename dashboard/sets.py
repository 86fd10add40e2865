"""The Speed page's set manager: upload a CSV made elsewhere; rename, delete and download sets."""

from __future__ import annotations

import streamlit as st

from dashboard import speed
from torchvision_stats.data.measurement_sets import InvalidMeasurements, listing
from torchvision_stats.output import formatting


def set_manager(known_weights: set[str]) -> None:
    """Upload a CSV made elsewhere; rename, delete and download the stored sets."""
    upload = st.file_uploader(
        "Upload a measurement CSV (made with python -m torchvision_stats measure)",
        type=["csv"],
        key="speed.upload",
    )
    if upload is not None and st.session_state.get("speed.uploaded") != upload.file_id:
        st.session_state["speed.uploaded"] = upload.file_id
        name = upload.name.removesuffix(".csv")
        try:
            info, problems = speed.store().add(upload.getvalue(), name, "upload", known_weights)
        except InvalidMeasurements as error:
            st.session_state["speed.upload-message"] = ("error", f"{error} Nothing was stored.")
        else:
            speed.make_active(info.id)
            st.session_state["speed.upload-message"] = (
                "info",
                " ".join([f"Stored as “{info.label}”.", *problems]),
            )
        st.rerun()
    kind, message = st.session_state.get("speed.upload-message", ("", ""))
    if kind:
        (st.error if kind == "error" else st.info)(formatting.escape_markdown(message))
    sets = speed.sets()
    st.dataframe(listing(sets), hide_index=True)
    labels = {info.id: info.label for info in sets}
    chosen = st.selectbox("Set", list(labels), format_func=labels.get, key="speed.manage")
    actions = st.columns([2, 1, 1, 1])
    new_label = actions[0].text_input("New name", key="speed.new-name", max_chars=80)
    stored = chosen is not None and not chosen.startswith("reference-")
    if actions[1].button("Rename", disabled=not (stored and new_label.strip()), key="speed.rename"):
        speed.store().rename(chosen, new_label)
        st.rerun()
    if actions[2].button("Delete", disabled=not stored, key="speed.delete"):
        speed.store().delete(chosen)
        st.rerun()
    if chosen is not None:
        actions[3].download_button(
            "Download",
            data=speed.store().csv_bytes(chosen),
            file_name=f"{chosen}.csv",
            mime="text/csv",
            on_click="ignore",
            key="speed.download",
            icon=":material/download:",
        )
