"""The measuring engine: builds torchvision models with random weights and times them on this
machine with torch.utils.benchmark, one child process per weight.

torch is imported lazily and only by the processes that measure (the worker, the CLI's measure
command). Anything else may ask `environment.torch_available()`, which imports nothing.
"""
