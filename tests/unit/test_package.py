import zipfile

from tools.package_lambda import PACKAGE, build, package_files


def test_committed_package_is_exactly_a_fresh_build() -> None:
    assert PACKAGE.read_bytes() == build(), "run: python -m tools.package_lambda"


def test_build_is_deterministic() -> None:
    assert build() == build()


def test_package_holds_only_the_python_package() -> None:
    with zipfile.ZipFile(PACKAGE) as archive:
        names = archive.namelist()
    assert names == sorted(names)
    assert all(name.startswith("ecs_events/") for name in names)
    assert "ecs_events/handler.py" in names
    assert len(names) == len(package_files())
