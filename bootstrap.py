#!/usr/bin/env python3
"""Set up and run Desktop AR, or its tests, on a fresh machine (Windows, macOS, Linux).

    python bootstrap.py run [app args...]     # venv + install + demo database + the app
    python bootstrap.py test [pytest args...] # venv + test extra (+ apt packages) + all checks

Standard library only; needs Python 3.11 or newer. The virtual environment lives in ``.venv``
beside this file and is reinstalled only when ``pyproject.toml`` changes (a stamp file inside
``.venv`` keeps its hash).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "desktop-ar-install.json"
WINDOWS = os.name == "nt"
MIN_PYTHON = (3, 11)
APT_PACKAGES = (
    "libegl1",
    "libgl1",
    "libxkbcommon0",
    "libfontconfig1",
    "libdbus-1-3",
    "libglib2.0-0",
    "fonts-noto-cjk",
    "fonts-wqy-microhei",  # TrueType CJK: reportlab cannot embed Noto CJK's CFF outlines
    "poppler-utils",
)


def step(name: str) -> None:
    print(f"\n==> {name}", flush=True)


def venv_bin(name: str) -> Path:
    folder = VENV / ("Scripts" if WINDOWS else "bin")
    return folder / (f"{name}.exe" if WINDOWS else name)


def venv_python() -> Path:
    return venv_bin("python")


def run(cmd: list[str | Path], **kwargs: object) -> int:
    printable = " ".join(str(c) for c in cmd)
    print(f"$ {printable}", flush=True)
    try:
        return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kwargs)  # type: ignore[arg-type]
    except FileNotFoundError:
        print(f"bootstrap: {cmd[0]} not found", file=sys.stderr)
        return 127


def is_debian_root() -> bool:
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0 and Path("/etc/debian_version").exists()


def apt_missing(packages: tuple[str, ...]) -> list[str]:
    missing = []
    for pkg in packages:
        # Debian 13 renamed some libraries for the 64-bit time_t transition (libglib2.0-0t64).
        names = (pkg, f"{pkg}t64")
        installed = False
        for name in names:
            result = subprocess.run(
                ["dpkg-query", "-W", "-f=${Status}", name],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode == 0 and "install ok installed" in result.stdout:
                installed = True
                break
        if not installed:
            missing.append(pkg)
    return missing


def apt_install(packages: list[str]) -> int:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    code = run(["apt-get", "update"], env=env)
    if code != 0:
        return code
    return run(["apt-get", "install", "-y", "--no-install-recommends", *packages], env=env)


def pip_works() -> bool:
    if not venv_python().exists():
        return False
    result = subprocess.run(
        [str(venv_python()), "-m", "pip", "--version"], capture_output=True, check=False
    )
    return result.returncode == 0


def ensure_venv() -> None:
    if pip_works():
        return
    step(f"create the virtual environment in {VENV}")
    args = [sys.executable, "-m", "venv", str(VENV)]
    if VENV.exists():
        args.insert(3, "--clear")  # a half-made environment without pip
    if run(args) == 0 and pip_works():
        return
    if is_debian_root():
        # Debian and Ubuntu ship venv/ensurepip in a separate package.
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        missing = apt_missing((f"python{version}-venv",))
        if missing and apt_install(missing) == 0:
            args = [sys.executable, "-m", "venv", "--clear", str(VENV)]
            if run(args) == 0 and pip_works():
                return
    sys.exit(
        "bootstrap: could not create a virtual environment with pip. On Debian/Ubuntu install "
        "the python3-venv package; elsewhere install Python 3.11+ from python.org."
    )


def project_hash() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def read_stamp() -> dict[str, object]:
    try:
        data = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def ensure_installed(extra: str | None) -> None:
    current = project_hash()
    stamp = read_stamp()
    extras = set(stamp.get("extras", [])) if stamp.get("pyproject") == current else set()
    wanted = extra or "base"
    if stamp.get("pyproject") == current and (wanted in extras or "test" in extras):
        return
    target = f".[{extra}]" if extra else "."
    step(f"install the project ({'-e ' + target})")
    code = run([venv_python(), "-m", "pip", "install", "--disable-pip-version-check", "-e", target])
    if code != 0:
        sys.exit(code)
    extras.add(wanted)
    STAMP.write_text(
        json.dumps({"pyproject": current, "extras": sorted(extras)}, indent=1), encoding="utf-8"
    )


def check_python() -> None:
    if sys.version_info < MIN_PYTHON:
        found = ".".join(str(v) for v in sys.version_info[:3])
        sys.exit(f"bootstrap: Python 3.11 or newer is needed (this is {found}).")


def cmd_run(args: list[str]) -> int:
    ensure_venv()
    ensure_installed(None)
    step("start Desktop AR on the demo database")
    return run([venv_python(), "-m", "desktop_ar", "demo", *args])


def cmd_test(args: list[str]) -> int:
    if is_debian_root():
        step("system packages for offscreen Qt, CJK fonts and PDF tools")
        missing = apt_missing(APT_PACKAGES)
        if missing:
            code = apt_install(missing)
            if code != 0:
                return code
        else:
            print("all installed", flush=True)
    ensure_venv()
    ensure_installed("test")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    steps: list[tuple[str, list[str | Path]]] = [
        ("ruff check", [venv_bin("ruff"), "check", "."]),
        ("ruff format --check", [venv_bin("ruff"), "format", "--check", "."]),
        ("import-linter contracts", [venv_bin("lint-imports")]),
        ("pytest", [venv_python(), "-m", "pytest", "-q", *args]),
    ]
    for name, cmd in steps:
        step(name)
        code = run(cmd, env=env)
        if code != 0:
            print(f"\nbootstrap: step '{name}' failed (exit status {code})", file=sys.stderr)
            return code
    print("\nAll checks passed.", flush=True)
    return 0


USAGE = """usage: python bootstrap.py run [app args...]
       python bootstrap.py test [pytest args...]

run   create .venv if missing, install Desktop AR, create the demo database if missing
      and open the application on it (extra arguments go to `desktop-ar demo`)
test  install the test tools (and, on Debian/Ubuntu as root, the system packages),
      then run ruff, the import-linter contracts and pytest"""


def main(argv: list[str]) -> int:
    check_python()
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        return cmd_run(rest)
    if command == "test":
        return cmd_test(rest)
    print(f"bootstrap: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
