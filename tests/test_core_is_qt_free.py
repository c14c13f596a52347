"""index/ must work without Qt: the core is imported with PySide6 made unimportable."""

import subprocess
import sys

from tests.conftest import ROOT


def test_every_index_module_imports_with_qt_unavailable() -> None:
    script = """
import importlib, pkgutil, sys

class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6'):
            raise ImportError('Qt is blocked in this test: ' + name)
        return None

sys.meta_path.insert(0, BlockQt())
import index
names = [m.name for m in pkgutil.iter_modules(index.__path__, 'index.')]
for name in names:
    importlib.import_module(name)
assert not any(m.split('.')[0] in ('PySide6', 'shiboken6') for m in sys.modules)
print(len(names))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 10  # every core module was really imported
