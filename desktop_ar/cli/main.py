"""The ``desktop-ar`` command: the application, demo data, aging, imports, exports, checks….

Headless commands never import Qt: the GUI (``desktop_ar.ui``) is imported only by the
commands that show or render it. Bad input gives exit status 2 and one line on stderr; an error
the user can fix gives status 1 and one line; anything unexpected gives status 1, one line and
the traceback in a log file.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from desktop_ar import __version__
from desktop_ar.cli.aging_output import add_aging_command, write_aging
from desktop_ar.cli.args import Parser as _Parser
from desktop_ar.cli.args import iso_date, positive_int
from desktop_ar.cli.bank_command import add_bank_command
from desktop_ar.cli.collection_commands import add_collection_commands
from desktop_ar.cli.export_command import add_export_command, run_export, statement_options
from desktop_ar.cli.import_command import add_import_command, run_import
from desktop_ar.cli.pdf_command import add_pdf_command
from desktop_ar.cli.reconcile_command import add_reconcile_commands
from desktop_ar.domain.errors import Cancelled, DomainError

PROG = "desktop-ar"
APP_DIR_NAME = "DesktopAR"
DB_ENV = "DESKTOP_AR_DB"
DEFAULT_DB_NAME = "desktop_ar.db"
DEMO_DB_NAME = "demo.db"
LOG_NAME = "desktop_ar.log"
DATE, AS_OF_HELP = "YYYY-MM-DD", "work as of this date (default today)"


class UsageError(Exception):
    """Bad command-line input found after parsing (exit status 2)."""


# -- the parser ---------------------------------------------------------------------------------
def _common() -> argparse.ArgumentParser:
    # Options accepted before and after the command name. SUPPRESS keeps a value given before the
    # command from being overwritten by the sub-parser's default.
    common = argparse.ArgumentParser(add_help=False)
    add = common.add_argument
    add("--db", default=argparse.SUPPRESS, metavar="PATH", help="database file or URL")
    add("--as-of", type=iso_date, default=argparse.SUPPRESS, metavar=DATE, help=AS_OF_HELP)
    add("--lang", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return common


def _seed_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--customers", type=positive_int, default=200, help="default 200")
    p.add_argument("--invoices", type=positive_int, default=5000, help="default 5000")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")


def build_parser() -> argparse.ArgumentParser:
    """The ``desktop-ar`` argument parser."""
    parser = _Parser(
        prog=PROG,
        description="Desktop AR: offline accounts receivable (应收账款). Without a command it "
        "opens the application.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help=f"database file or SQLAlchemy URL (default: ${DB_ENV}, else {DEFAULT_DB_NAME} in "
        "the user data folder)",
    )
    parser.add_argument("--as-of", type=iso_date, metavar=DATE, help=AS_OF_HELP)
    parser.add_argument("--lang", metavar="LANG", help="interface language: en or zh_CN")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.set_defaults(func=cmd_gui)
    common = [_common()]
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser(
        "demo", parents=common, help="create the demo database if missing and open it"
    )
    _seed_options(p)
    p.add_argument("--no-gui", action="store_true", help="only create the demo database")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("init", parents=common, help="create an empty database")
    p.add_argument("--company", default="My Company", help="company name")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("seed-demo", parents=common, help="fill a database with demo data")
    _seed_options(p)
    p.set_defaults(func=cmd_seed_demo)

    add_aging_command(sub, common, cmd_aging)
    add_export_command(sub, common, cmd_export)
    add_import_command(sub, common, cmd_import)
    add_reconcile_commands(sub, common, cmd_statement_of_account, cmd_reconcile_customer)
    add_bank_command(sub, common, lambda a: _book(resolve_target(a)))
    add_pdf_command(sub, common, lambda a: _book(resolve_target(a)))
    add_collection_commands(sub, common, lambda a: _book(resolve_target(a)))

    p = sub.add_parser("check", parents=common, help="check the database and its balances")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("screenshots", parents=common, help="render every screen to PNG")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the PNG files")
    p.set_defaults(func=cmd_screenshots)
    return parser


def _user_dir(kind: str) -> Path:
    import platformdirs

    if kind == "log":
        return platformdirs.user_log_path(APP_DIR_NAME, APP_DIR_NAME)
    return platformdirs.user_data_path(APP_DIR_NAME, APP_DIR_NAME)


def default_db_path(name: str = DEFAULT_DB_NAME) -> Path:
    """The default database file in the user data folder (``demo.db`` for the demo)."""
    return _user_dir("data") / name


def resolve_target(args: argparse.Namespace) -> str | Path:
    """The database chosen by ``--db``, then ``$DESKTOP_AR_DB``, then the default file."""
    return args.db or os.environ.get(DB_ENV) or default_db_path()


def _label(target: str | Path) -> str:
    text = str(target)
    return text if "://" in text else str(Path(text).expanduser().resolve())


@contextlib.contextmanager
def _book(target: str | Path, **kwargs: Any) -> Iterator[Any]:
    from desktop_ar.services.book import open_book

    ctx = open_book(target, **kwargs)
    try:
        yield ctx
    finally:
        ctx.engine.dispose()


def _open_or_create(
    target: str | Path, create: Callable[[], None] | None = None, **kwargs: Any
) -> Any:
    from desktop_ar.services.book import create_book, open_book

    try:
        return open_book(target, **kwargs)
    except DomainError as exc:
        if exc.code != "file_missing":
            raise
    if create is None:
        print(f"Creating a new empty database at {_label(target)}", file=sys.stderr)
        create_book(target).engine.dispose()
    else:
        create()
    return open_book(target, **kwargs)


def _summary(obj: object) -> str:
    import dataclasses

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        parts = []
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, int | str | float | date):
                parts.append(f"{f.name.replace('_', ' ')} {value}")
        if parts:
            return ", ".join(parts)
    return str(obj)


def _seed(ctx: Any, args: argparse.Namespace, as_of: date) -> Any:
    from desktop_ar.services.demo import seed_demo
    from desktop_ar.services.progress import StderrProgress

    return seed_demo(
        ctx,
        customers=args.customers,
        invoices=args.invoices,
        seed=args.seed,
        as_of=as_of,
        progress=StderrProgress(),
    )


def _run_gui(ctx: Any, args: argparse.Namespace) -> int:
    from desktop_ar.ui.app import run_app

    code = run_app(ctx, as_of=args.as_of, lang=args.lang)
    return code if isinstance(code, int) else 0


# -- commands ---------------------------------------------------------------------------------
def cmd_gui(args: argparse.Namespace) -> int:
    """Open the application on the chosen database (an empty book is created if missing)."""
    ctx = _open_or_create(resolve_target(args))
    try:
        return _run_gui(ctx, args)
    finally:
        ctx.engine.dispose()


def _create_demo(target: str | Path, args: argparse.Namespace, as_of: date) -> None:
    from desktop_ar.services.book import create_book
    from desktop_ar.services.context import FixedClock

    print(
        f"Creating the demo database at {_label(target)} "
        f"({args.customers:,} customers, {args.invoices:,} invoices)…",
        file=sys.stderr,
    )
    is_file = "://" not in str(target)
    # Seed into a side file and rename it into place, so an interrupted run never leaves a
    # half-made demo book that the next run would open as if it were complete.
    work: str | Path = Path(f"{target}.partial") if is_file else target
    if is_file:
        # Left over from an interrupted run; its own -wal must go too, or SQLite would replay
        # it into the new file.
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
    ctx = create_book(work, company_name="演示公司 Demo Trading Co.", clock=FixedClock(as_of))
    try:
        summary = _seed(ctx, args, as_of)
    finally:
        ctx.engine.dispose()
    if is_file:
        os.replace(work, target)
    print(f"Demo database ready: {_summary(summary)}", file=sys.stderr)


def cmd_demo(args: argparse.Namespace) -> int:
    """Create the demo database if it is missing, then open the application on it."""
    target: str | Path = args.db or default_db_path(DEMO_DB_NAME)
    as_of = args.as_of or datetime.now().astimezone().date()
    ctx = _open_or_create(target, lambda: _create_demo(target, args, as_of))
    try:
        if args.no_gui:
            print(f"Demo database: {ctx.db_label}")
            return 0
        return _run_gui(ctx, args)
    finally:
        ctx.engine.dispose()


def cmd_init(args: argparse.Namespace) -> int:
    """Create an empty database at the latest schema."""
    from desktop_ar.services.book import create_book

    ctx = create_book(resolve_target(args), company_name=args.company)
    ctx.engine.dispose()
    print(f"Created {ctx.db_label}")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    """Fill a database (created when missing) with generated demo data."""
    from desktop_ar.services.context import FixedClock

    as_of = args.as_of or datetime.now().astimezone().date()
    ctx = _open_or_create(resolve_target(args), clock=FixedClock(as_of))
    try:
        summary = _seed(ctx, args, as_of)
        print(f"Seeded {ctx.db_label} as of {as_of.isoformat()}: {_summary(summary)}")
    finally:
        ctx.engine.dispose()
    return 0


def cmd_aging(args: argparse.Namespace) -> int:
    """Print or write the aging report."""
    if args.format == "xlsx" and args.output in (None, "-"):
        raise UsageError("--format xlsx needs an output file: add -o FILE.xlsx")
    from desktop_ar.services.reports import aging

    with _book(resolve_target(args)) as ctx:
        as_of = args.as_of or ctx.clock.today()
        report = aging(
            ctx,
            as_of=as_of,
            buckets=args.buckets,
            basis=args.basis,
            detail=args.by == "invoice",
        )
    written = write_aging(report, by=args.by, fmt=args.format, output=args.output)
    if written is not None:
        print(f"Wrote {written}", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write a list, the aging report or a statement of account to a formatted .xlsx file."""
    options = statement_options(args)
    with _book(resolve_target(args)) as ctx:
        run_export(ctx, args.what, args.output, args.as_of, **options)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import customers, invoices or payments from a spreadsheet or CSV file."""
    with _book(resolve_target(args)) as ctx:
        return run_import(ctx, args)


def cmd_statement_of_account(args: argparse.Namespace) -> int:
    """Print or write one customer's statement of account (table, JSON or xlsx)."""
    from desktop_ar.cli.reconcile_command import run_statement_of_account

    with _book(resolve_target(args)) as ctx:
        written = run_statement_of_account(ctx, args)
    if written is not None:
        print(f"Wrote {written}", file=sys.stderr)
    return 0


def cmd_reconcile_customer(args: argparse.Namespace) -> int:
    """Compare a customer's own ledger with ours, save the reconciliation and print it."""
    from desktop_ar.cli.reconcile_command import run_reconcile_customer

    with _book(resolve_target(args)) as ctx:
        run_reconcile_customer(ctx, args)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Run the integrity checks and recompute every maintained balance."""
    from desktop_ar.services.check import check_book

    with _book(resolve_target(args)) as ctx:
        report = check_book(ctx)
        label = ctx.db_label
    if report.ok and not report.problems:
        print(f"OK: {label}: integrity_check, foreign_key_check and all balances are consistent.")
        return 0
    count = len(report.problems)
    print(f"{label}: {count} problem{'s' if count != 1 else ''} found:")
    for problem in report.problems:
        print(f"  - {problem}")
    print(f"{PROG}: check failed: {count} problem(s) in {label}", file=sys.stderr)
    return 1


def cmd_screenshots(args: argparse.Namespace) -> int:
    """Render every page and main dialog offscreen to PNG files."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = Path(args.out).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    with _book(resolve_target(args)) as ctx:
        from desktop_ar.ui.screenshots import render_all

        paths = render_all(ctx, out, as_of=args.as_of or ctx.clock.today())
    for path in paths:
        print(path)
    return 0


# -- entry point --------------------------------------------------------------------------------
def _log_unexpected(exc: BaseException, argv: list[str]) -> Path | None:
    import tempfile

    text = (
        f"--- {datetime.now().astimezone().isoformat(timespec='seconds')} {PROG} "
        f"{__version__} {' '.join(argv)}\n" + "".join(traceback.format_exception(exc))
    )
    for folder in (_user_dir("log"), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / LOG_NAME
            with path.open("a", encoding="utf-8") as fh:
                fh.write(text)
            return path
        except OSError:
            continue
    return None


def _fail(message: str) -> None:
    print(f"{PROG}: error: {' '.join(message.split())}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run ``desktop-ar`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        message = exc.message
        if exc.code == "file_missing":
            message = message.rstrip(".") + f"; create it with: {PROG} --db PATH init"
        _fail(message)
        return 1
    except Cancelled:
        _fail("cancelled; nothing was changed")
        return 1
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (`desktop-ar aging | head`): point stdout at devnull so the
        # interpreter's final flush does not complain, and stop quietly.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        log = _log_unexpected(exc, args_list)
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        where = f" (details in {log})" if log else ""
        _fail(f"{type(exc).__name__}: {first}{where}")
        return 1
