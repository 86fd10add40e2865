"""What turns answers into things people see and take away: pure functions, no streamlit.

view_state encodes each page's view in the URL (one codec mechanism); charts builds the Plotly
figures; export writes CSV, JSON and zip files; formatting makes scraped text safe Markdown and
numbers readable; snippets writes the code that loads a weight. It imports the questions and the
data layers and the registry, never upward.
"""
