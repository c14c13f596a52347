"""Zip containers (DOCX, EPUB): refused before anything is inflated when their
declared sizes say they would inflate to far more than a document (a zip bomb).

The sizes are the ones the zip declares; Python's zip reader never inflates a
part past its declared size (it stops with an error), so checking them is enough.
"""

from __future__ import annotations

import zipfile

# Real documents are far below these; a zip bomb is far above them.
MAX_PARTS = 5000
MAX_UNPACKED = 200 * 1024 * 1024
MAX_PART = 100 * 1024 * 1024
MAX_RATIO = 200  # for parts over 1 MB: XML and text pack ~10:1, never ~1000:1


def zip_refusal(archive: zipfile.ZipFile, kind: str) -> str | None:
    """Why this zip is refused before inflating it, or None. `kind`: "a Word document"."""
    entries = archive.infolist()
    if len(entries) > MAX_PARTS:
        return f"the file has {len(entries)} parts, more than {kind} has"
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > MAX_PART or total > MAX_UNPACKED:
            return f"the file would inflate to far more than {kind} (a zip bomb)"
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            return "a part of the file is compressed more than any document (a zip bomb)"
    return None
