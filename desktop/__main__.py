"""`python -m desktop` is `oncoref`: the window, or a command."""

import sys

from desktop.main import main

sys.exit(main(sys.argv[1:]))
