"""torchvision-stats: torchvision's pre-trained weight tables as clean, comparable data."""

__version__ = "0.1.0"
