"""Entry point for ``python -m loaders``: the product's command, as `rtop` runs it."""

import sys

from dashboard.cli import main

sys.exit(main(prog="python -m loaders"))
