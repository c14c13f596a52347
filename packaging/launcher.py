"""The frozen program's entry point: the same `oncoref` command as a source install
(no command opens the window)."""

import sys

from desktop.main import main

if __name__ == "__main__":
    sys.exit(main())
