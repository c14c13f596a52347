"""`oncoref`: the window when no command is given, otherwise one of the commands.

The commands are the core's (index.cli); this program adds what needs Qt: the
window itself and the PDF writer that `oncoref print` uses.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from index import cli

    args = cli.parse(argv)
    if args.command is not None:
        from desktop.handout import PdfHandouts

        add_settings_folders(args)
        if getattr(args, "paper", None):
            from desktop import paper

            paper.override = args.paper
        return cli.run(args, handouts=PdfHandouts())
    # Start-up makes a great many objects that all live on (modules, Qt's types, the
    # library); looking for garbage among them only costs time (~7 ms). The window
    # turns collection back on once its event loop runs (desktop.app.run).
    gc.disable()
    from index.snapshot import preload

    preload()  # the library's snapshot is read on a thread of its own meanwhile
    # The Qt-free core the window needs, imported before Qt is: PySide6 reads the
    # source of each module imported after it (to see whether it uses PySide6).
    import index.contents
    import index.session  # noqa: F401
    from desktop.app import run

    return run(args)


def add_settings_folders(args: argparse.Namespace) -> None:
    """The commands read the folders added in the window's Settings too (after any
    --library), unless --no-settings-folders; the core cannot read Qt's settings."""
    if getattr(args, "no_settings_folders", False) or not hasattr(args, "library"):
        return
    from desktop.settings import Settings

    folders = list(args.library or [])
    for folder in Settings().folders:
        if folder not in folders:
            folders.append(folder)
    args.library = folders


if __name__ == "__main__":
    sys.exit(main())
