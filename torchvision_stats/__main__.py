import sys

from torchvision_stats.cli import main

sys.exit(main())
