"""The Speed page's set manager: upload a CSV made elsewhere; rename, delete (each confirmed) and
download sets. On a shared server a visitor changes only the sets they stored, and uploads a few."""

from __future__ import annotations

import streamlit as st

from dashboard import measurement_sets
from torchvision_stats.data.measurement_file import MeasurementFileError
from torchvision_stats.data.measurement_store import listing
from torchvision_stats.output import formatting
from torchvision_stats.views import pages

keys = pages.SPEED

MESSAGE = keys("sets-message")  # (kind, text): what the last action did, shown on the next run
CONFIRM = keys("confirm")  # (action, set id, new name): an action waiting for its confirmation
UPLOADS_PER_SESSION = 5  # on a shared server


def _say(kind: str, text: str) -> None:
    st.session_state[MESSAGE] = (kind, text)


def _upload(known_weights: set[str]) -> None:
    upload = st.file_uploader(
        "Upload a measurement CSV (made with python -m torchvision_stats measure)",
        type=["csv"],
        key=keys("upload"),
    )
    if upload is None or st.session_state.get(keys("uploaded")) == upload.file_id:
        return
    st.session_state[keys("uploaded")] = upload.file_id
    if measurement_sets.shared_server() and len(measurement_sets.own_sets()) >= UPLOADS_PER_SESSION:
        _say("error", f"This shared server takes {UPLOADS_PER_SESSION} uploads a visit. Nothing was stored.")
        st.rerun()
    try:
        info, problems = measurement_sets.store().add(
            upload.getvalue(), upload.name.removesuffix(".csv"), "upload", known_weights
        )
    except MeasurementFileError as error:
        _say("error", f"{error} Nothing was stored.")
    else:
        measurement_sets.make_active(info.id)
        measurement_sets.remember_own(info.id)
        _say("info", " ".join([f"Stored as “{info.label}”; your pages now use it.", *problems]))
    st.rerun()


def _confirmation(labels: dict[str, str]) -> None:
    """The action waiting for a yes: what it will do, and the two answers."""
    action, set_id, new_name = st.session_state[CONFIRM]
    if set_id not in labels:
        del st.session_state[CONFIRM]
        return
    st.warning(
        formatting.markdown("Delete “{}”? Its measurements are gone for every visitor.", labels[set_id])
        if action == "delete"
        else formatting.markdown("Rename “{}” to “{}”?", labels[set_id], new_name),
        icon=":material/help:",
    )
    answers = st.columns([1, 1, 4])
    if answers[0].button(formatting.markdown("Yes, {}", action), type="primary", key=keys("confirm-yes")):
        del st.session_state[CONFIRM]
        if action == "delete":
            measurement_sets.store().delete(set_id)
            _say("success", f"Deleted “{labels[set_id]}”.")
        else:
            measurement_sets.store().rename(set_id, new_name)
            _say("success", f"Renamed “{labels[set_id]}” to “{new_name.strip()}”.")
        st.rerun()
    if answers[1].button("No, keep it", key=keys("confirm-no")):
        del st.session_state[CONFIRM]
        st.rerun()


def set_manager(known_weights: set[str]) -> None:
    """Upload a CSV made elsewhere; rename, delete and download the sets."""
    _upload(known_weights)
    kind, message = st.session_state.pop(MESSAGE, ("", ""))
    if kind == "error":
        st.error(formatting.escape_markdown(message))
    elif kind == "success":
        st.success(formatting.escape_markdown(message))
    elif kind:
        st.info(formatting.escape_markdown(message))
    sets = measurement_sets.sets()
    st.dataframe(
        listing(sets),
        hide_index=True,
        # Every column in view on a laptop's page (about 800 px): a long cell ends in "…" and shows
        # whole on hover, and the select below gives the chosen set's label whole.
        column_config={
            "Set": st.column_config.TextColumn(width="medium"),
            "Source": st.column_config.TextColumn(width="small"),
            "Measured on": st.column_config.TextColumn(width="medium"),
            "Weights": st.column_config.NumberColumn(width="small"),
            "Measured at": st.column_config.TextColumn(width="small"),
            "Note": st.column_config.TextColumn(width="medium"),
        },
    )
    labels = {info.id: info.label for info in sets}
    chosen = st.selectbox("Set", list(labels), format_func=labels.get, key=keys("manage"))
    if chosen is None:
        return
    if CONFIRM in st.session_state:
        _confirmation(labels)
        return
    allowed, why_not = measurement_sets.may_change(
        next(i for i in sets if i.id == chosen), measurement_sets.background_run().status()
    )
    actions = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
    new_name = actions[0].text_input("New name", key=keys("new-name"), max_chars=80, disabled=not allowed)
    if actions[1].button(
        "Rename",
        disabled=not (allowed and new_name.strip()),
        key=keys("rename"),
        help=formatting.escape_markdown(why_not) or None,
    ):
        st.session_state[CONFIRM] = ("rename", chosen, new_name)
        st.rerun()
    if actions[2].button(
        "Delete", disabled=not allowed, key=keys("delete"), help=formatting.escape_markdown(why_not) or None
    ):
        st.session_state[CONFIRM] = ("delete", chosen, "")
        st.rerun()
    actions[3].download_button(
        "Download",
        data=lambda: measurement_sets.store().csv_bytes(chosen),  # read when clicked, not every rerun
        file_name=f"{chosen}.csv",
        mime="text/csv",
        on_click="ignore",
        key=keys("download"),
        icon=":material/download:",
    )
    if why_not:
        st.caption(formatting.escape_markdown(why_not))
