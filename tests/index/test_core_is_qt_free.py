"""index/ must work without Qt and never reach into the window."""

import ast
import subprocess
import sys

from tests.conftest import ROOT

GUI_PACKAGES = ("desktop", "PySide6", "shiboken6", "PyQt5", "PyQt6")


def test_every_index_module_imports_with_qt_unavailable() -> None:
    script = """
import importlib, pkgutil, sys

class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6', 'desktop'):
            raise ImportError('Qt is blocked in this test: ' + name)
        return None

sys.meta_path.insert(0, BlockQt())
import index
names = [m.name for m in pkgutil.walk_packages(index.__path__, 'index.')]
for name in names:
    importlib.import_module(name)
assert not any(m.split('.')[0] in ('PySide6', 'shiboken6') for m in sys.modules)
print(len(names))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 20  # every core module, in every subpackage, was imported


def test_no_core_module_imports_the_window_or_qt_even_inside_a_function() -> None:
    offenders = []
    for path in sorted((ROOT / "index").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                if name.split(".")[0] in GUI_PACKAGES:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert offenders == []
