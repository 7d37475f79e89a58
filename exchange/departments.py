"""Which existing department a journey file's department name means.

Departments are the organisation's, made by an administrator; a file only names them. A name matches an existing
department when it is the same name, or when both look the same: same letters once case, width, accents, invisible
characters and the Cyrillic and Greek letters that look like Latin ones are set aside ("Сustomer" with a Cyrillic С
is "Customer"). What matches nothing, or more than one department, the importer chooses.

The look-alike table is ours, not a library's: the maintained options (confusable-homoglyphs, confusables) ship
Unicode's full table, which also folds letters people do tell apart in a department name (rn and m, 0 and O), and
were last released years ago. NFKC already folds full-width, mathematical and ligature forms; this table adds the
letters of the scripts an organisation's names are written in that NFKC leaves alone.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from journeys.models import Department

# Cyrillic and Greek letters (after casefolding) that are drawn like a Latin letter, in the fonts of a board.
LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "н": "h", "і": "i", "ї": "i",
        "ј": "j", "к": "k", "ӏ": "l", "м": "m", "о": "o", "р": "p", "ԛ": "q", "ѕ": "s", "т": "t", "у": "y",
        "ԝ": "w", "х": "x", "ү": "y",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "h", "ι": "i", "κ": "k", "μ": "m", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "ζ": "z",
    }
)  # fmt: skip


def skeleton(name: str) -> str:
    """What a name looks like: two names with the same skeleton are taken for the same department."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    letters = "".join(c for c in folded if unicodedata.category(c) not in ("Mn", "Me", "Cf"))  # accents, invisibles
    return " ".join(letters.translate(LOOK_ALIKES).split())


@dataclass
class DepartmentMatch:
    """The file's names that mean an existing department, and those the importer has to choose for."""

    matched: dict[str, Department] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)


def departments_matching(names: Iterable[str]) -> DepartmentMatch:
    """Same name first; else the one department that looks the same; else (none, or several) unmatched."""
    existing = list(Department.objects.all())
    by_name = {department.name: department for department in existing}
    by_skeleton: dict[str, list[Department]] = {}
    for department in existing:
        by_skeleton.setdefault(skeleton(department.name), []).append(department)
    match = DepartmentMatch()
    for name in names:
        alike = by_skeleton.get(skeleton(name), [])
        if name in by_name:
            match.matched[name] = by_name[name]
        elif len(alike) == 1:
            match.matched[name] = alike[0]
        else:
            match.unmatched.append(name)
    return match


def look_alike_of(name: str) -> Department | None:
    """An existing department whose name looks like `name` (a new department must not)."""
    wanted = skeleton(name)
    return next((d for d in Department.objects.all() if skeleton(d.name) == wanted), None)
