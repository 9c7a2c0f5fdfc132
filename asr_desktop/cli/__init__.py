"""The command line (product.md §7): ``asr-desktop SOUS-COMMANDE …`` for scripts and checks.

``app.main`` hands the arguments over to :func:`main` when the first one is in
:data:`COMMANDS`, and opens the window otherwise. Messages are French; exit codes:

- 0: done;
- 1: the command ran but the result is bad (``check`` found problems, generation cancelled,
  unexpected error);
- 2: invalid input — bad arguments or values, a file refused or already there — and nothing
  was written.

This package imports no Qt, and nothing heavy until a sub-command runs.
"""

from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger(__name__)

#: The sub-commands this package answers.
SUB_COMMANDS: frozenset[str] = frozenset(
    {"demo", "calibrate", "check", "backup", "restore", "bench", "export", "import"}
)
#: First arguments handed to :func:`main` rather than to the window: the sub-commands and the
#: program-level options that print something and stop.
COMMANDS: frozenset[str] = SUB_COMMANDS | {"--version", "-h", "--help"}

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2


def build_parser():
    """The French argument parser with every sub-command."""
    from asr_desktop import __version__
    from asr_desktop.cli import backup, bench, calibrate, check, demo, transfer
    from asr_desktop.cli._parser import FrenchArgumentParser

    parser = FrenchArgumentParser(
        prog="asr-desktop",
        description="ASR Desktop — suivi des clauses sociales d'insertion. Sans sous-commande, "
        "le programme ouvre sa fenêtre (ses options : asr-desktop --demo --help).",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"ASR Desktop {__version__}",
        help="afficher la version du programme et quitter",
    )
    subparsers = parser.add_subparsers(
        title="sous-commandes", dest="command", required=True, metavar="SOUS-COMMANDE"
    )
    demo.add_parser(subparsers)
    calibrate.add_parser(subparsers)
    check.add_parser(subparsers)
    backup.add_parser(subparsers)  # backup and restore
    bench.add_parser(subparsers)
    transfer.add_parsers(subparsers)  # export template(s), import statement
    return parser


def main(argv: list[str]) -> int:
    """Run one sub-command; returns the exit code (never raises SystemExit)."""
    from asr_desktop.domain.errors import Cancelled, DomainError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a French usage error (code 2)
        return stop.code if isinstance(stop.code, int) else EXIT_INVALID
    try:
        return args.run(args)
    except Cancelled as cancelled:
        print(f"{cancelled}", file=sys.stderr)
        return EXIT_FAILED
    except DomainError as error:  # invalid value, refused or existing file: nothing written
        print(f"Erreur : {error}", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:  # the reader stopped early (`… | head`): stay quiet at exit too
        _silence_stdout()
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return EXIT_FAILED
    except Exception:
        log.exception("Erreur inattendue dans la sous-commande %s", args.command)
        print(
            f"Erreur inattendue pendant « {args.command} » : le détail est dans le journal.",
            file=sys.stderr,
        )
        return EXIT_FAILED


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (tests, embedded use)
        pass
