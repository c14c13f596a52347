"""What the care team adds to a handout for one patient (no Qt): notes, the next
appointment, and a blank "Your questions" area.

Notes and the appointment go on the first page, under who gave the handout; the
questions area comes after the sections. None of it is ever stored: it is typed
for one patient and printed.
"""

from __future__ import annotations

import html

NOTES_LIMIT = 600  # characters: enough for a few lines, and the first page keeps them
QUESTION_LINES = 8


def care_notes_html(notes: str, appointment: str) -> list[str]:
    """The notes in a ruled box, then the appointment line; nothing when both are empty."""
    parts = []
    notes = notes.strip()[:NOTES_LIMIT]
    if notes:
        lines = "<br>".join(html.escape(line) for line in notes.splitlines())
        parts.append(
            '<table class="care" border="1" cellspacing="0" cellpadding="6" width="100%">'
            f"<tr><td><p><b>Notes from your care team</b></p><p>{lines}</p></td></tr></table>"
        )
    appointment = " ".join(appointment.split())
    if appointment:
        parts.append(
            f'<p class="appointment"><b>Your next appointment:</b> {html.escape(appointment)}</p>'
        )
    return parts


def questions_html(lines: int = QUESTION_LINES) -> str:
    """A heading and ruled blank lines to write questions on for the next visit."""
    rows = "".join('<tr><td height="34">&nbsp;</td></tr>' for _ in range(lines))
    return (
        "<h2>Your questions</h2>"
        "<p>Write down questions to ask your care team at your next visit.</p>"
        f'<table class="questions" border="1" cellspacing="0" cellpadding="4" width="100%">'
        f"{rows}</table>"
    )
