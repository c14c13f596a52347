#!/usr/bin/env bash
# Build the OncoRef bundle for this operating system:
#   dist/OncoRef/                                 the one-folder program (run dist/OncoRef/OncoRef)
#   dist/OncoRef-<version>-<system>-<machine>.tar.gz (.zip on Windows)
# Steps: a build virtualenv (build/venv), the bundled library's search index
# (build/prebuilt-index, shipped read-only inside the bundle), PyInstaller with
# packaging/oncoref.spec, then the archive. Run it from anywhere; set PYTHON to
# choose the interpreter (default python3). Nothing outside build/ and dist/ is written.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
export PIP_PROGRESS_BAR=off PIP_DISABLE_PIP_VERSION_CHECK=1

# On Linux PyInstaller reads shared libraries with objdump (binutils).
if [ "$(uname -s)" = Linux ] && ! command -v objdump >/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "Installing binutils (PyInstaller needs objdump)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends binutils >/dev/null
  else
    echo "build.sh: PyInstaller needs objdump; install binutils first." >&2
    exit 1
  fi
fi

case "$(uname -s)" in
  MINGW* | MSYS* | CYGWIN*) bin=Scripts ;;
  *) bin=bin ;;
esac
venv=build/venv
[ -x "$venv/$bin/python" ] || "$PYTHON" -m venv "$venv"
py="$venv/$bin/python"
"$py" -m pip install -q -e . -r packaging/requirements-build.txt

echo "== Indexing the bundled library"
"$py" packaging/prebuild_index.py build/prebuilt-index

echo "== Collecting the licences of what is shipped"
"$py" packaging/collect_licenses.py --out build/licenses

echo "== Freezing with PyInstaller"
rm -rf dist/OncoRef
"$py" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/oncoref.spec

if [ "$(uname -s)" = Linux ]; then
  # Beside the program: the menu entry and the script that installs both.
  cp packaging/linux/oncoref.desktop packaging/linux/install.sh dist/OncoRef/
fi

echo "== Archiving"
"$py" - <<'PY'
import platform, shutil, sys
from pathlib import Path
from index import __version__

system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
name = f"OncoRef-{__version__}-{system}-{platform.machine().lower()}"
fmt = "zip" if sys.platform == "win32" else "gztar"
for old in Path("dist").glob("OncoRef-*.*"):
    old.unlink()
archive = shutil.make_archive(f"dist/{name}", fmt, root_dir="dist", base_dir="OncoRef")
size = sum(p.lstat().st_size for p in Path("dist/OncoRef").rglob("*") if not p.is_dir())
print(f"dist/OncoRef: {size / 1e6:.1f} MB on disk ({size / 2**20:.1f} MiB)")
print(f"{archive}: {Path(archive).stat().st_size / 1e6:.1f} MB")
PY
