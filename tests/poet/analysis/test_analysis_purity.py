"""The analysis package stays pure: pandas, NumPy, SciPy and the standard library only."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import poet.analysis

PACKAGE = Path(poet.analysis.__file__).parent
ALLOWED = {"numpy", "pandas", "scipy", "__future__"}


def test_only_pandas_numpy_scipy_and_stdlib_are_imported():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in ALLOWED or top in sys.stdlib_module_names, f"{path.name}: {name}"


def test_importing_the_package_loads_no_django():
    code = "import sys, poet.analysis; print(any(m.startswith('django') for m in sys.modules))"
    root = PACKAGE.parent.parent
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
