"""A view bound to its widgets and to the URL, for any view codec (torchvision_stats.views).

Widgets are keyed as the codec hands their keys out. A page's view of a run comes from its widgets
when they exist, else from what this session last saw on the page (Streamlit clears widget state
on another page), else from the URL, with notices for what the URL held that could not be used.
The sidebar's view (docs version, measurement set) is bound the same way, on every page, and every
link carries it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic

import pandas as pd
import streamlit as st

from dashboard import data
from torchvision_stats import registry
from torchvision_stats.data.load import LoadResult
from torchvision_stats.views.codec import Codec, View
from torchvision_stats.views.sidebar import SIDEBAR, SidebarContext, SidebarView


def put(key: str, value: object) -> None:
    """Give a widget `value` before it is drawn, unless it holds it already: a value put through
    Session State is sent to the browser as one set by the app, and the browser redraws that widget
    (25 ms of a Y-axis change on Explore, measured, for the sidebar's two selects alone)."""
    if key not in st.session_state or st.session_state[key] != value:
        st.session_state[key] = value


def _sidebar_widgets() -> dict[str, object]:
    return {name: st.session_state.get(SIDEBAR.keys(name)) for name in SIDEBAR.widget_names()}


def sidebar_view(context: SidebarContext) -> tuple[SidebarView, list[str]]:
    """The sidebar's view, its widgets set to it before they are drawn, and the URL made to hold it:
    from its widgets once drawn (they are on every page, so they keep their state), else from the
    URL (a session's first run), with a notice for a value that could not be used."""
    drawn = any(SIDEBAR.keys(name) in st.session_state for name in SIDEBAR.widget_names())
    params = SIDEBAR.query_from_widgets(_sidebar_widgets()) if drawn else st.query_params.to_dict()
    view, notices = SIDEBAR.from_query(params, context)
    for name, value in SIDEBAR.to_widgets(view).items():
        put(SIDEBAR.keys(name), value)
    wanted = SIDEBAR.to_query(view)
    for key in SIDEBAR.url_keys():
        if key not in wanted:
            st.query_params.pop(key, None)
        elif st.query_params.get(key) != wanted[key]:
            st.query_params[key] = wanted[key]
    return view, notices


def show_in_url(params: dict[str, str]) -> None:
    """Make the URL hold `params` and the sidebar's view, so a copied link reproduces the page."""
    wanted = {**params, **SIDEBAR.query_from_widgets(_sidebar_widgets())}
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


class PageState(Generic[View]):
    def __init__(self, codec: Codec[View]):
        self.codec = codec

    def key(self, name: str) -> str:
        return self.codec.keys(name)

    @property
    def _remembered(self) -> str:
        return self.key("view")

    def _widgets(self) -> dict[str, Any]:
        return {name: st.session_state.get(self.key(name)) for name in self.codec.widget_names()}

    def current(self, context: Any) -> View:
        """The view the widgets hold now, validated."""
        return self.codec.from_query(self.codec.query_from_widgets(self._widgets()), context)[0]

    @property
    def _link_notices(self) -> str:
        return self.key("link-notices")

    def view_for_this_run(self, context: Any) -> tuple[View, list[str]]:
        """The validated view, with the widgets set to it before they are drawn."""
        notices: list[str] = []
        if self.key(self.codec.fields[0].name) in st.session_state:
            # What the widgets hold may not fit new data (another docs version lacks GFLOPS): say so.
            view, notices = self.codec.from_query(self.codec.query_from_widgets(self._widgets()), context)
            # A rerun nobody asked for (a background refresh landing) keeps saying what the link
            # held that could not be used, until the visitor changes the view.
            linked = st.session_state.get(self._link_notices)
            if linked is not None and linked[0] == view:
                notices = notices or linked[1]
            else:
                st.session_state.pop(self._link_notices, None)
        elif self._remembered in st.session_state:  # back from another page: widget state was cleared
            view = self.codec.from_query(self.codec.to_query(st.session_state[self._remembered]), context)[0]
        else:
            params = st.query_params.to_dict()
            view, notices = self.codec.from_query(params, context)
            unknown = self.codec.unknown_keys(params, also=SIDEBAR.url_keys())
            if unknown:
                notices.append(
                    "Not used on this page, so ignored: " + ", ".join(key[:40] for key in unknown[:10])
                )
            if notices:
                st.session_state[self._link_notices] = (view, notices)
        self.set_widgets(view)
        return view, notices

    def set_widgets(self, view: View) -> None:
        for name, value in self.codec.to_widgets(view).items():
            put(self.key(name), value)

    def set(self, name: str, value: Any) -> None:
        """Put one widget's value right before it is drawn (a value the data made invalid)."""
        put(self.key(name), value)

    def keep(self, name: str, value: Any) -> None:
        """Hold a value for a widget this run does not draw: Streamlit drops a widget's state at the
        end of a run that did not draw it, unless the run gave it again."""
        st.session_state[self.key(name)] = value

    def keep_apart(self, changed: str, other: str, previous: Any) -> None:
        """A widget callback: when `changed` took the value `other` holds, `other` takes the one
        `changed` had (choosing the Y axis's metric for X swaps the axes)."""
        if st.session_state.get(self.key(changed)) == st.session_state.get(self.key(other)):
            st.session_state[self.key(other)] = previous

    def reset(self, names: tuple[str, ...], context: Any) -> None:
        """A widget callback: `names` back to their defaults for the rest of the view."""
        self.set_widgets(self.codec.reset(self.current(context), names, context))

    def remember(self, view: View) -> None:
        """Keep the view for this session and put it in the URL, so a copied link reproduces it."""
        st.session_state[self._remembered] = view
        show_in_url(self.codec.to_query(view))


@dataclass(frozen=True)
class CategoryPage(Generic[View]):
    """A page about one category: its data, its view (read from widgets or URL) and that category."""

    state: PageState[View]
    result: LoadResult
    view: View
    notices: list[str]

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return self.result.data.tables

    @property
    def table(self) -> pd.DataFrame:
        return self.tables[self.view.category]

    @property
    def category(self) -> registry.Category:
        return registry.CATEGORIES[self.view.category]

    def category_select(self, resets: tuple[str, ...], where: Any = st) -> None:
        """The *Category* select (in `where`, a column say); a new category puts the view's fields
        `resets` back to their defaults for that category."""
        where.selectbox(
            "Category",
            list(self.tables),
            format_func=lambda slug: registry.CATEGORIES[slug].title,
            key=self.state.key("category"),
            on_change=self.state.reset,
            args=(resets, self.tables),
        )


def open_category_page(codec: Codec[View]) -> CategoryPage[View]:
    """The data of the selected docs version and the page's view of it, widgets set to that view."""
    state = PageState(codec)
    result = data.page_data()
    view, notices = state.view_for_this_run(result.data.tables)
    return CategoryPage(state, result, view, notices)
