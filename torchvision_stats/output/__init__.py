"""What turns answers into things people see and take away: pure functions, no streamlit.

charts builds the Plotly figures; export writes CSV, JSON and zip files; formatting makes scraped
text safe Markdown; snippets writes the code that loads a weight. It imports the views, questions
and data layers and the registry, never upward.
"""
