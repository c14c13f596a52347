"""`python -m desktop` opens the window (the same as `oncoref`)."""

import sys

from index.cli import main

sys.exit(main(sys.argv[1:]))
