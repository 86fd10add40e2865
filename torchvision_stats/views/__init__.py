"""Each page's view — what its widgets hold and its URL says — declared once per page.

codec is the generic mechanism (fields, validation both ways, widget keys handed out by name);
explore, pick, compare, history and sidebar declare the views; category_fields says what a
category page's fields offer; controls derives the range controls from the data; pages names every
page's declaration. No streamlit here: dashboard.url_state binds a codec to the widgets and the URL.
"""
