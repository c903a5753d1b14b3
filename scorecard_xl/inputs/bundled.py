"""The definitions and sample data shipped with scorecard-xl, found in a checkout or an install."""

from __future__ import annotations

from pathlib import Path

from scorecard_xl.errors import ARGUMENTS, InputError

DEFAULT_TEMPLATE = "nct_monthly"
SAMPLE_DATA = {"nct_monthly": "nct_2022_23/data.csv", "nhs_ae": "nhs_ae/data.csv"}
PACKAGE = Path(__file__).resolve().parents[1]  # scorecard_xl/inputs/bundled.py -> scorecard_xl
CHECKOUT = PACKAGE.parent


def package_folder(name: str) -> Path:
    """A folder of package data: the checkout's own `name`, else `scorecard_xl/name` where the
    install put it (pyproject.toml maps one to the other). An install's site-packages is no
    checkout, whatever folders other packages left in it."""
    if (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / name).is_dir():
        return CHECKOUT / name
    # Installed, the data sits inside the package's own folder (a folder on disk, as pip installs
    # it; importlib.resources would say the same, and cost every command 13 ms to import).
    return PACKAGE / name


def templates_folder() -> Path:
    return package_folder("workbook_templates")


def samples_folder() -> Path:
    return package_folder("samples")


def bundled_templates() -> list[str]:
    folder = templates_folder()
    return sorted(p.stem for p in folder.iterdir() if p.suffix in (".toml", ".yaml", ".yml"))


def resolve_template(name_or_path: str | None) -> Path:
    """A definition file: a path as given, else a bundled template by name."""
    name = name_or_path or DEFAULT_TEMPLATE
    path = Path(name)
    if path.suffix and path.exists():
        return path
    for suffix in (".toml", ".yaml", ".yml"):
        candidate = templates_folder() / f"{name}{suffix}"
        if candidate.exists():
            return candidate
    if path.suffix:
        raise InputError.of(name, "", "", None, "no such definition file")
    raise InputError.of(
        ARGUMENTS,
        "",
        "template",
        name,
        "a definition file path or a bundled template: " + ", ".join(bundled_templates()),
    )


def sample_data(template: str | None) -> Path | None:
    """The bundled sample data of a bundled template, if it has one."""
    relative = SAMPLE_DATA.get(template or DEFAULT_TEMPLATE)
    return samples_folder() / relative if relative else None


def is_bundled_template(path: Path) -> bool:
    return path.resolve().parent == templates_folder().resolve()


def is_bundled_sample(path: Path) -> bool:
    """Whether `path` is sample data shipped inside the package (never recorded in a workbook)."""
    try:
        path.resolve().relative_to(samples_folder().resolve())
    except ValueError:
        return False
    return True
