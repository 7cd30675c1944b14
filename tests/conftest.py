"""Make the Lambda package importable in tests exactly as the Lambda runtime sees it."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT / "lambda_src", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
