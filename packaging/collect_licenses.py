"""Collect the licence texts of everything OncoRef ships into resources/licenses/.

    python packaging/collect_licenses.py [--check] [--out DIR]

Every Python package the program needs at run time (the `oncoref` requirements
and theirs, extras left out) is listed in resources/licenses/components.yaml with
its version, licence and homepage, and its licence text is copied from the
installed package's metadata (its .dist-info folder) into NAME.txt. Python itself
ships in the bundle too: its LICENSE.txt comes from the standard library folder.

Two packages install no licence text of their own: PySide6 and shiboken6 (Qt for
Python, under the LGPL 3; the FSF's texts of the LGPL 3 and the GPL 3 it builds
on are kept in the repository as LGPL-3.0.txt and GPL-3.0.txt), and Whoosh (its
two-clause BSD licence is the comment at the top of its every module, taken from
whoosh/__init__.py). A package with no licence text found stops the script.

packaging/build.sh runs it with `--out build/licenses` before freezing (the spec
ships that folder as resources/licenses), so the bundle carries the texts of the
versions it holds; the repository keeps the last result for source installs.
`--check` writes nothing and exits 1 if the folder is not up to date.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import re
import sys
import sysconfig
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "licenses"
APP = "oncoref"
# Texts kept in the repository (not generated): the FSF's, verbatim.
FIXED = {"LGPL-3.0.txt", "GPL-3.0.txt"}
QT_TEXTS = ["LGPL-3.0.txt", "GPL-3.0.txt"]
QT_NOTE = (
    "Qt and Qt for Python are used under the GNU Lesser General Public License 3 "
    "(the LGPL 3 builds on the GPL 3, so both texts are given). The Qt libraries are "
    "shipped as separate shared libraries that can be replaced. Source code: "
    "https://download.qt.io/official_releases/ and "
    "https://code.qt.io/cgit/pyside/pyside-setup.git/"
)


def _name(requirement: str) -> str | None:
    """The package a requirement names, or None when it is only for an extra or an
    older Python."""
    spec, _, marker = requirement.partition(";")
    if "extra ==" in marker or "python_version <" in marker:
        return None
    found = re.match(r"[A-Za-z0-9._-]+", spec.strip())
    return found.group(0) if found else None


def runtime_packages() -> list[md.Distribution]:
    """The program's run-time requirements, and theirs, each once."""
    seen: dict[str, md.Distribution] = {}
    pending = [r for r in (md.distribution(APP).requires or [])]
    while pending:
        name = _name(pending.pop())
        if name is None:
            continue
        dist = md.distribution(name)
        key = dist.metadata["Name"].lower().replace("_", "-")
        if key in seen:
            continue
        seen[key] = dist
        pending.extend(dist.requires or [])
    return sorted(seen.values(), key=lambda d: d.metadata["Name"].lower())


def licence_name(dist: md.Distribution) -> str:
    meta = dist.metadata
    expression = meta["License-Expression"] or ""
    if expression:
        return expression
    text = (meta["License"] or "").strip()
    if text and len(text) < 80 and "\n" not in text:
        return text
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []]
    named = [c for c in classifiers if "License" in c]
    return named[0] if named else "see the licence text"


def licence_texts(dist: md.Distribution) -> list[str]:
    """The licence files the package installed (by its metadata, else by name)."""
    files = [str(f) for f in dist.files or []]
    declared = dist.metadata.get_all("License-File") or []
    chosen = [
        f
        for f in files
        if ".dist-info/" in f
        and (
            Path(f).name in declared
            or re.match(r"(LICEN[CS]E|COPYING|NOTICE)", Path(f).name, re.IGNORECASE)
        )
    ]
    texts = []
    for name in sorted(chosen):
        text = dist.read_text(name.split(".dist-info/", 1)[1])
        if text and text.strip():
            texts.append(text.strip())
    return texts


def whoosh_text(dist: md.Distribution) -> str:
    source = Path(str(dist.locate_file("whoosh/__init__.py"))).read_text(encoding="utf-8")
    lines = []
    for line in source.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[2:] if line.startswith("# ") else line[1:])
    return "\n".join(lines).strip()


def homepage(dist: md.Distribution) -> str:
    meta = dist.metadata
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in {"homepage", "home", "source", "repository", "code"}:
            return str(url).strip()
    return str(meta["Home-page"] or "").strip()


def collect() -> dict[str, str]:
    """File name -> text of every generated file."""
    files: dict[str, str] = {}
    components: list[dict[str, str | list[str]]] = []
    for dist in runtime_packages():
        name = dist.metadata["Name"]
        entry: dict[str, str | list[str]] = {
            "name": name,
            "version": dist.version,
            "license": licence_name(dist),
            "homepage": homepage(dist),
        }
        key = name.lower()
        if key.startswith(("pyside6", "shiboken6")):
            entry["license"] = "LGPL-3.0-only"
            entry["files"] = list(QT_TEXTS)
            entry["note"] = QT_NOTE
        else:
            texts = licence_texts(dist) or ([whoosh_text(dist)] if key == "whoosh" else [])
            if not texts:
                raise SystemExit(f"collect_licenses: no licence text found for {name}")
            file = f"{re.sub(r'[^A-Za-z0-9.-]+', '-', name)}.txt"
            files[file] = "\n\n".join(texts) + "\n"
            entry["files"] = [file]
        components.append(entry)
    python = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    if not python.is_file():
        raise SystemExit(f"collect_licenses: {python} is missing (Python's own licence)")
    files["Python.txt"] = python.read_text(encoding="utf-8")
    components.insert(
        0,
        {
            "name": "Python",
            "version": sys.version.split()[0],
            "license": "PSF-2.0",
            "homepage": "https://www.python.org/",
            "files": ["Python.txt"],
        },
    )
    header = "# Made by packaging/collect_licenses.py; do not edit by hand.\n"
    files["components.yaml"] = header + yaml.safe_dump(
        {"components": components}, sort_keys=False, allow_unicode=True, width=100
    )
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument(
        "--out",
        type=Path,
        default=OUT,
        metavar="DIR",
        help="write here (default: resources/licenses)",
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    files = collect()
    if out.resolve() != OUT.resolve():
        for name in FIXED:  # the fixed texts go along
            files[name] = (OUT / name).read_text(encoding="utf-8")
    stale = [
        n for n, t in files.items() if not (out / n).is_file() or (out / n).read_text("utf-8") != t
    ]
    old = [
        p.name for p in out.glob("*") if p.is_file() and p.name not in files and p.name not in FIXED
    ]
    if args.check:
        for name in stale + old:
            print(f"collect_licenses: {out / name} is not up to date")
        return 1 if stale or old else 0
    out.mkdir(parents=True, exist_ok=True)
    for name in old:
        (out / name).unlink()
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    print(f"collect_licenses: {len(files) - 1} licence texts and components.yaml in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
