"""Paper size for handouts: A4 or US Letter, the locale's by default, remembered.

Most of the world prints on A4; the United States, Canada, Mexico and a few other
countries on Letter (216 × 279 mm). Whichever the person picks in the handout
composer is kept in the settings and used for printing, saving a PDF and
`oncoref print`.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtGui import QPageSize

from desktop.settings import Settings

PAPERS = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
# Where Letter is the usual paper (CLDR's list).
_LETTER = {
    QLocale.Country.UnitedStates,
    QLocale.Country.Canada,
    QLocale.Country.Mexico,
    QLocale.Country.Chile,
    QLocale.Country.Colombia,
    QLocale.Country.CostaRica,
    QLocale.Country.Guatemala,
    QLocale.Country.Panama,
    QLocale.Country.Philippines,
    QLocale.Country.PuertoRico,
    QLocale.Country.Venezuela,
    QLocale.Country.ElSalvador,
    QLocale.Country.DominicanRepublic,
    QLocale.Country.Nicaragua,
    QLocale.Country.Belize,
}


def locale_paper(locale: QLocale | None = None) -> str:
    territory = (locale or QLocale.system()).territory()
    return "Letter" if territory in _LETTER else "A4"


# Set by `oncoref print --paper` for that one handout.
override: str | None = None


def chosen_paper(settings: Settings | None = None) -> str:
    """`--paper`, else the paper set in the composer, else the locale's."""
    if override in PAPERS:
        return override
    stored = (settings or Settings()).paper
    return stored if stored in PAPERS else locale_paper()


def page_size(settings: Settings | None = None) -> QPageSize:
    return QPageSize(PAPERS[chosen_paper(settings)])
