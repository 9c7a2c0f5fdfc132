"""``asr-desktop demo --db PATH [--size small|realistic|large] [--seed N]``: a demonstration file.

Everything in it is invented (Faker ``fr_FR``), reproducible from the seed. An existing file
is kept unless ``--remplacer`` is given (exit 2, nothing written).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TextIO

from asr_desktop.cli._labels import census_lines
from asr_desktop.cli._parser import seed_value
from asr_desktop.domain.errors import Conflict
from asr_desktop.domain.formats import format_int, format_number

log = logging.getLogger(__name__)

#: product.md §6 / §7: the three generated sizes.
SIZES = ("small", "realistic", "large")
DEFAULT_SEED = 2026


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="créer une base de démonstration (données inventées)",
        description="Crée une base remplie de données inventées, reproductibles à partir de la "
        "graine : pour essayer le programme, former, mesurer.",
    )
    parser.add_argument("--db", required=True, type=Path, metavar="CHEMIN", help="la base à créer")
    parser.add_argument(
        "--size",
        "--taille",
        dest="size",
        choices=SIZES,
        default="realistic",
        help="volume des données (par défaut : realistic)",
    )
    parser.add_argument(
        "--seed",
        "--graine",
        dest="seed",
        type=seed_value,
        default=DEFAULT_SEED,
        metavar="N",
        help=f"graine du tirage aléatoire (par défaut : {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--remplacer",
        "--overwrite",
        dest="overwrite",
        action="store_true",
        help="remplacer le fichier s'il existe déjà",
    )
    parser.set_defaults(run=run)


class TerminalProgress:
    """Progress shown as one rewritten « Génération : 42 % » line, only on a terminal."""

    cancelled = False

    def __init__(self, stream: TextIO):
        self._stream = stream
        self._shown: int | None = None
        self._active = stream.isatty()

    def __call__(self, done: int, total: int, text: str = "") -> None:
        if not self._active or total <= 0:
            return
        percent = min(100, max(0, done * 100 // total))
        if percent == self._shown:
            return
        self._shown = percent
        step = f" — {text}" if text else ""
        self._stream.write(f"\rGénération : {percent:3d} %{step}\x1b[K")
        self._stream.flush()

    def finish(self) -> None:
        if self._active and self._shown is not None:
            self._stream.write("\n")
            self._stream.flush()


def run(args: argparse.Namespace) -> int:
    from asr_desktop.services.demo import generate_demo  # deferred: Faker is slow to import

    progress = TerminalProgress(sys.stderr)
    try:
        summary = generate_demo(
            args.db, args.size, args.seed, overwrite=args.overwrite, progress=progress
        )
    except Conflict as exists:
        raise Conflict(f"{exists} Ajoutez --remplacer à la commande pour l'écraser.") from None
    finally:
        progress.finish()
    total = sum(summary.counts.values())
    log.info(
        "Démonstration %s (graine %d) : %d lignes en %.1f s",
        summary.size,
        summary.seed,
        total,
        summary.seconds,
    )
    print(f"Base de démonstration créée : {summary.path}")
    print(
        f"Taille {summary.size}, graine {summary.seed}, "
        f"{format_int(total)} lignes en {format_number(summary.seconds, 1)} s."
    )
    print("Lignes par table :")
    print("\n".join(census_lines(summary.counts)))
    return 0
