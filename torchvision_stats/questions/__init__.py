"""The questions asked of the weight tables: pure functions from tables to answers.

analysis filters, searches (RE2, linear time) and finds the Pareto frontier; pick ranks the weights
that fit a budget and says why; history compares docs releases; quantization pairs each quantized
weight with its float model. It imports the data layer and the registry, never output or streamlit.
"""
