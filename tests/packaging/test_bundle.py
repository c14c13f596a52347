"""The frozen bundle, run as a clinic would: no network, a read-only install folder
and an empty home (packaging/smoke_test.py). Runs when dist/OncoRef has been built
by packaging/build.sh, as CI does; otherwise each check is skipped with that reason."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

BUNDLE = Path(os.environ.get("ONCOREF_BUNDLE", ROOT / "dist" / "OncoRef"))


def _smoke_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "smoke_test", ROOT / "packaging" / "smoke_test.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


smoke = _smoke_module()
pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(
        not (BUNDLE / smoke.EXECUTABLE).is_file(),
        reason=f"no bundle at {BUNDLE}; build it with packaging/build.sh",
    ),
]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[object]:
    box = smoke.Sandbox(BUNDLE)
    yield box
    box.close()


@pytest.mark.parametrize("check", smoke.CHECKS, ids=lambda c: c.__name__.removeprefix("check_"))
def test_the_frozen_program(sandbox: object, check) -> None:  # type: ignore[no-untyped-def]
    check(sandbox)
