"""``asr-desktop bench [--size small|realistic|large] [--json FILE] [--runs N] [--db-cache DIR]``:
the figures of product.md §6 measured on this machine, each beside its budget and its floor.

The demonstration database (plain, not encrypted: the figures say so) is generated once per
size and seed in a cache folder and reused. The scenarios without a window run here, through
the services; those that need Qt (start-up, the pages, memory) run in fresh processes
(``python -m asr_desktop.ui.bench_worker``), since this package never imports Qt. Each figure
comes with a **floor** measured in the same run — the bare minimum the scenario cannot avoid
(a bare PySide6 window, the indexed SQL alone…) — and the ratio between the two.

Not a test: timings depend on the machine; the command only fails (exit 1) when a
measurement could not be made.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from asr_desktop.cli._bench_report import (
    UNAVAILABLE,
    Scenario,
    report_lines,
    scenario_from_times,
    unavailable,
)
from asr_desktop.cli._bench_workers import run_qt_scenarios
from asr_desktop.cli._parser import seed_value

log = logging.getLogger(__name__)

SIZES = ("small", "realistic", "large")
DEFAULT_RUNS = 5


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="mesurer les temps de réponse et la mémoire (product.md §6)",
        description="Mesure le démarrage, la recherche, la page d'un lot, le tableau de bord et "
        "la mémoire sur une base de démonstration non chiffrée (générée une fois puis gardée en "
        "cache), chacun à côté de son budget et d'un plancher mesuré sur la même machine.",
    )
    parser.add_argument(
        "--size",
        "--taille",
        dest="size",
        choices=SIZES,
        default="large",
        help="volume des données (par défaut : large, celui des budgets)",
    )
    parser.add_argument(
        "--runs",
        "--mesures",
        dest="runs",
        type=_runs_value,
        default=DEFAULT_RUNS,
        metavar="N",
        help=f"nombre de mesures par scénario (par défaut : {DEFAULT_RUNS})",
    )
    parser.add_argument(
        "--json", type=Path, metavar="FICHIER", help="écrire aussi tous les chiffres en JSON"
    )
    parser.add_argument(
        "--db-cache",
        dest="db_cache",
        type=Path,
        metavar="DOSSIER",
        help="dossier où garder les bases générées (par défaut : le cache de l'utilisateur)",
    )
    parser.add_argument(
        "--seed",
        "--graine",
        dest="seed",
        type=seed_value,
        default=2026,
        metavar="N",
        help="graine de la base de démonstration (par défaut : 2026)",
    )
    parser.add_argument(
        "--sans-sqlcipher",
        dest="skip_cipher",
        action="store_true",
        help="ne pas mesurer le surcoût du chiffrement (copie chiffrée de la base)",
    )
    parser.set_defaults(run=run)


def _runs_value(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError(
            f'valeur invalide : "{text}" (nombre de mesures de 1 à 100 attendu)'
        )
    return value


def run(args: argparse.Namespace) -> int:
    from asr_desktop.cli.demo import TerminalProgress
    from asr_desktop.services import bench, bench_data
    from asr_desktop.services.container import open_services

    progress = TerminalProgress(sys.stderr)
    print(f"Base de démonstration « {args.size} » (graine {args.seed}) : préparation…", flush=True)
    try:
        database = bench_data.bench_database(args.size, args.seed, args.db_cache, progress)
    finally:
        progress.finish()
    origin = "reprise du cache" if database.reused else f"générée en {database.seconds:.0f} s"
    print(f"{database.path} — non chiffrée ({origin}).", flush=True)
    targets = bench.choose_targets(database.path)
    runs = args.runs
    scenarios: list[Scenario] = []
    extras: dict[str, object] = {}
    failures: list[str] = []

    print("Mesures sans fenêtre (services et SQL)…", flush=True)
    services = open_services(database.path, create=False)
    try:
        opened = bench.open_scenario(database.path, runs)
        search = bench.search_scenario(services, database.path, targets, runs)
        lot = bench.lot_scenario(services, database.path, targets, runs)
        dashboard = bench.dashboard_scenario(services, database.path, runs)
        if args.skip_cipher:
            cipher = {"unavailable": "non mesuré (--sans-sqlcipher)"}
        else:
            try:
                encrypted_path, key = bench_data.encrypted_copy(database)
                cipher = bench.encrypted_search_scenario(
                    services, encrypted_path, key, targets, runs
                )
            except Exception as error:  # SQLCipher missing or unusable here: said, not fatal
                log.warning("mesure chiffrée impossible : %s", type(error).__name__)
                cipher = {"unavailable": f"SQLCipher indisponible ({type(error).__name__})"}
    finally:
        services.close()

    print("Mesures avec fenêtre (processus séparés)…", flush=True)
    qt = run_qt_scenarios(database.path, runs, targets, failures)
    extras.update(qt.pop("extras", {}))

    scenarios += [
        qt["startup"],
        scenario_from_times(
            "open",
            "Ouverture de la base (contrôle de démarrage + services), sans Qt",
            opened,
            floor_label="connexion sqlite3 nue",
        ),
        scenario_from_times(
            "search_service",
            "Recherche d'un candidat, par frappe (service, 1 à 6 lettres)",
            search,
            budget=0.050,
            ratio_goal=3,
            floor_label="SQL indexé seul (sqlite3)",
        ),
        qt["search_page"].with_floor(search.get("floor"), "SQL indexé seul (sqlite3)"),
        scenario_from_times(
            "search_encrypted",
            "Recherche par frappe, base chiffrée (SQLCipher)",
            cipher,
            budget=0.050,
            floor_label="même recherche, base en clair",
        ),
        scenario_from_times(
            "lot_service",
            "Page d'un lot : lot, registre, mises en emploi (services)",
            lot,
            budget=0.150,
            floor_label="SQL du lot, du registre et des mises en emploi",
        ),
        qt["lot_page"].with_floor(
            lot.get("floor"), "SQL du lot, du registre et des mises en emploi"
        ),
        scenario_from_times(
            "dashboard_service",
            "Tableau de bord (services : comptes et lots par état)",
            dashboard,
            budget=1.0,
            floor_label="agrégats SQL seuls",
        ),
        qt["dashboard_page"].with_floor(dashboard.get("floor"), "agrégats SQL seuls"),
        unavailable("dossier_year", "Dossier du comité, une année (PDF + XLSX)", 8.0),
        _import_scenario(),
        qt["memory"],
    ]
    machine = {**bench_data.machine(), **qt.get("machine", {})}
    data = {
        "command": "bench",
        "size": args.size,
        "seed": args.seed,
        "runs": runs,
        "database": {
            "path": str(database.path),
            "encrypted": False,
            "note": "base de démonstration non chiffrée (generate_demo)",
            "reused": database.reused,
            "generation_seconds": database.seconds,
            "generated_on": database.generated_on.isoformat(),
        },
        "machine": machine,
        "targets": targets.as_dict(),
        "scenarios": [s.as_dict() for s in scenarios],
        "extras": extras,
        "failures": failures,
    }
    print()
    print("\n".join(report_lines(data, scenarios)))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"Chiffres détaillés : {args.json}")
    for failure in failures:
        print(f"Échec : {failure}", file=sys.stderr)
    return 1 if failures else 0


def _import_scenario() -> Scenario:
    """The 10 000-row statement import: ``services.transfer`` is being written (preview and
    commit exist, no generated 10 000-row statement to feed them yet), so no figure."""
    return unavailable(
        "statement_import",
        "Import d'un relevé de 10 000 lignes (XLSX), validation comprise",
        5.0,
        "pas encore disponible",
    )


__all__ = ["UNAVAILABLE", "add_parser", "run"]
