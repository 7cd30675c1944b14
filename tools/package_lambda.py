"""Build the Lambda package from lambda_src, byte for byte the same every time.

The zip is committed (dist/ecs_events.zip) so the module works when referenced by git
address with no build step. Entries are sorted, dated 1980-01-01 and stored without
compression: deflate output can change with the zlib version, stored bytes cannot.

    python -m tools.package_lambda          # rebuild dist/ecs_events.zip
    python -m tools.package_lambda --check  # exit 1 if the committed zip is out of date
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "lambda_src"
PACKAGE = ROOT / "dist" / "ecs_events.zip"
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def package_files() -> list[Path]:
    return sorted(
        path
        for path in (SOURCE / "ecs_events").rglob("*")
        if path.is_file()
        and path.suffix in (".py", ".typed", ".json")
        and "__pycache__" not in path.parts
    )


def build() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for path in package_files():
            info = zipfile.ZipInfo(path.relative_to(SOURCE).as_posix(), date_time=_FIXED_DATE)
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            info.create_system = 3  # unix, so the mode above is honoured
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    fresh = build()
    if args.check:
        if not PACKAGE.exists() or PACKAGE.read_bytes() != fresh:
            print(f"{PACKAGE.relative_to(ROOT)} is out of date: run python -m tools.package_lambda")
            return 1
        print(f"{PACKAGE.relative_to(ROOT)} is up to date ({len(fresh)} bytes)")
        return 0
    PACKAGE.parent.mkdir(exist_ok=True)
    PACKAGE.write_bytes(fresh)
    print(f"wrote {PACKAGE.relative_to(ROOT)} ({len(fresh)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
