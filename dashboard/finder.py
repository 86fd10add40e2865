"""Compare's *Add a weight by name*: a weight found the way people write it, one per Enter.

Streamlit's own multiselect filter is kept for browsing, without its "Select N matches" bulk
action (Enter there added six weights nobody asked for); this box adds exactly one: the best
match (questions.find), with the other matches offered to add by a click.
"""

from __future__ import annotations

import streamlit as st

from torchvision_stats.output import formatting
from torchvision_stats.questions import find

MAX_OFFERED = 8
MAX_QUERY = 100


def _add(chosen_key: str, weight: str, limit: int) -> str:
    """Add `weight` to the chosen ones; what happened, in words."""
    chosen = list(st.session_state.get(chosen_key) or [])
    if weight in chosen:
        return f"{weight} is already compared."
    if len(chosen) >= limit:
        return f"At most {limit} weights are compared at once; remove one to add {weight}."
    st.session_state[chosen_key] = [*chosen, weight]
    return f"Added {weight}."


def _on_enter(key: str, chosen_key: str, candidates: list[find.Candidate], limit: int) -> None:
    query = st.session_state.get(key, "").strip()[:MAX_QUERY]  # max_chars binds the browser only
    if not query:
        return
    chosen = set(st.session_state.get(chosen_key) or [])
    matches = find.find_weights(query, candidates)
    fresh = [weight for weight in matches if weight not in chosen]
    if not matches:
        outcome = f"No weight is spelled like “{query}”."
    elif not fresh:
        outcome = f"Every weight matching “{query}” is already compared."
    else:
        outcome = _add(chosen_key, fresh[0], limit)
    st.session_state[f"{key}.outcome"] = (outcome, fresh[1 : MAX_OFFERED + 1])
    st.session_state[key] = ""


def _on_offer(key: str, chosen_key: str, limit: int) -> None:
    weight = st.session_state.get(f"{key}.offer")
    if weight:
        offered = st.session_state.get(f"{key}.outcome", ("", []))[1]
        message = _add(chosen_key, weight, limit)
        added = weight in (st.session_state.get(chosen_key) or [])
        # Still offered when it could not be added (six already): after removing one, click again.
        st.session_state[f"{key}.outcome"] = (message, [w for w in offered if w != weight or not added])
    st.session_state[f"{key}.offer"] = None


def weight_finder(key: str, chosen_key: str, candidates: list[find.Candidate], limit: int) -> None:
    """A text box that adds the best-matching weight to the multiselect `chosen_key` on Enter, then
    what it did and the other matches as buttons."""
    st.text_input(
        "Add a weight by name",
        key=key,
        on_change=_on_enter,
        args=(key, chosen_key, candidates, limit),
        max_chars=MAX_QUERY,
        placeholder="ResNet-50, ViT-B/16, convnext tiny, fasterrcnn_resnet50_fpn … then Enter",
        help="Written any way: case, -, _, spaces and / do not matter; a builder name works too. "
        "Enter adds the best match; the other matches are offered below.",
    )
    outcome, offered = st.session_state.get(f"{key}.outcome", ("", []))
    if outcome:
        st.caption(formatting.escape_markdown(outcome))
    if offered:
        st.pills(
            "Also matching: click to add",
            offered,
            format_func=formatting.escape_markdown,
            key=f"{key}.offer",
            on_change=_on_offer,
            args=(key, chosen_key, limit),
        )
