"""``asr-desktop demo --db PATH [--size small|realistic|large] [--seed N] [--no-encryption]``:
a demonstration file.

Everything in it is invented (Faker ``fr_FR``), reproducible from the seed. The file is
encrypted like a real base (SQLCipher, key file ``PATH.cles``) unless ``--no-encryption`` is
given, and holds the ``demo`` account whose password is printed (always the same,
``services.access.DEMO_PASSWORD``). An existing file is kept unless ``--remplacer`` is given
(exit 2, nothing written).
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
    parser.add_argument(
        "--no-encryption",
        "--sans-chiffrement",
        dest="no_encryption",
        action="store_true",
        help="ne pas chiffrer la base (par défaut, elle l'est comme une vraie base)",
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
    from asr_desktop.services.access import create_demo  # deferred: Faker is slow to import

    progress = TerminalProgress(sys.stderr)
    try:
        created = create_demo(
            args.db,
            args.size,
            args.seed,
            encrypted=not args.no_encryption,
            overwrite=args.overwrite,
            progress=progress,
        )
    except Conflict as exists:
        raise Conflict(f"{exists} Ajoutez --remplacer à la commande pour l'écraser.") from None
    finally:
        progress.finish()
    summary = created.summary
    total = sum(summary.counts.values())
    log.info(
        "Démonstration %s (graine %d, chiffrée : %s) : %d lignes en %.1f s",
        summary.size,
        summary.seed,
        created.encrypted,
        total,
        summary.seconds,
    )
    state = "chiffrée" if created.encrypted else "non chiffrée"
    print(f"Base de démonstration créée : {summary.path} ({state})")
    print(
        f"Taille {summary.size}, graine {summary.seed}, "
        f"{format_int(total)} lignes en {format_number(summary.seconds, 1)} s."
    )
    print(
        f"Compte de démonstration : identifiant « {created.login} », mot de passe "
        f"« {created.password} » (coordinateur)."
    )
    if created.recovery_key:
        print(f"Clé de secours de cette base (données inventées) : {created.recovery_key}")
    print("Lignes par table :")
    print("\n".join(census_lines(summary.counts)))
    return 0
