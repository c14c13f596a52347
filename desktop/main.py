"""`oncoref`: the window when no command is given, otherwise one of the commands.

The commands are the core's (index.cli); this program adds what needs Qt: the
window itself and the PDF writer that `oncoref print` uses.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from index import cli

    args = cli.parse(argv)
    if args.command is not None:
        from desktop.handout import PdfHandouts

        return cli.run(args, handouts=PdfHandouts())
    # Start-up makes a great many objects that all live on (modules, Qt's types, the
    # library); looking for garbage among them only costs time (~7 ms). The window
    # turns collection back on once its event loop runs (desktop.app.run).
    gc.disable()
    from desktop.app import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
