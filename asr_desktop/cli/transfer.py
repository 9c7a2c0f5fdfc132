"""Statement templates and imports on the command line (product.md §7):

- ``asr-desktop export template --siret SIRET --month 2026-03 [--to 2026-05] --out FILE.xlsx --db P``
- ``asr-desktop export templates --month 2026-03 --out-dir DIR --db P``
- ``asr-desktop import statement FILE --db P [--dry-run] [--skip-invalid]``

``import statement`` prints the preview's report (counts, then each rejected row with its
line, column and reason) and is strict: one rejected row and nothing is written (exit 2).
``--skip-invalid`` writes the valid rows and lists the others; ``--dry-run`` writes nothing
(exit 0 when the file would be accepted, 2 otherwise). Encrypted bases are opened with
``ASR_USER`` / ``ASR_PASSPHRASE`` or on the terminal (``cli._access``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from asr_desktop.cli._access import open_services_for
from asr_desktop.cli._parser import _value_type
from asr_desktop.domain import formats
from asr_desktop.domain.errors import ImportRejected, ValidationError

EXIT_OK, EXIT_INVALID = 0, 2
month_value = _value_type(formats.parse_month, "mois attendu, ex. 2026-03 ou 03/2026", "mois")


def add_parsers(subparsers) -> None:
    export = subparsers.add_parser(
        "export",
        help="préparer des fichiers (modèles de relevé d'heures)",
        description="Prépare les modèles de relevé d'heures à envoyer aux entreprises.",
    )
    what = export.add_subparsers(title="exports", dest="export", required=True, metavar="QUOI")
    one = what.add_parser(
        "template",
        help="le modèle de relevé d'une entreprise",
        description="Écrit le relevé d'heures (XLSX) d'une entreprise pour un mois ou une "
        "période : ses salariés en insertion, les lots, et les colonnes d'heures à remplir.",
    )
    _database(one)
    one.add_argument("--siret", required=True, help="le SIRET de l'entreprise")
    one.add_argument("--month", "--mois", dest="month", required=True, type=month_value)
    one.add_argument(
        "--to", "--jusqu-a", dest="to", type=month_value, help="dernier mois (par défaut : --month)"
    )
    one.add_argument("--out", required=True, type=Path, metavar="FICHIER.xlsx")
    one.set_defaults(run=run_template)
    many = what.add_parser(
        "templates",
        help="les modèles de relevé de toutes les entreprises d'un mois",
        description="Écrit un relevé d'heures (XLSX) par entreprise ayant des salariés en "
        "insertion pendant le mois, nommé releve-heures-SIRET-AAAA-MM.xlsx.",
    )
    _database(many)
    many.add_argument("--month", "--mois", dest="month", required=True, type=month_value)
    many.add_argument("--out-dir", required=True, type=Path, metavar="DOSSIER")
    many.set_defaults(run=run_templates)

    imports = subparsers.add_parser(
        "import",
        help="importer un fichier (relevé d'heures)",
        description="Importe un fichier après l'avoir vérifié ligne par ligne.",
    )
    kinds = imports.add_subparsers(
        title="imports", dest="import_kind", required=True, metavar="QUOI"
    )
    statement = kinds.add_parser(
        "statement",
        help="un relevé d'heures d'entreprise (CSV ou XLSX)",
        description="Vérifie puis importe un relevé d'heures : strict par défaut (une ligne "
        "rejetée et rien n'est écrit, code 2).",
    )
    statement.add_argument("file", type=Path, metavar="FICHIER")
    _database(statement)
    statement.add_argument(
        "--dry-run", "--essai", dest="dry_run", action="store_true", help="ne rien écrire"
    )
    statement.add_argument(
        "--skip-invalid",
        "--ignorer-rejets",
        dest="skip_invalid",
        action="store_true",
        help="écrire les lignes valides et ignorer les lignes rejetées",
    )
    statement.set_defaults(run=run_statement)


def _database(parser) -> None:
    parser.add_argument("--db", required=True, type=Path, metavar="CHEMIN", help="la base")


def _transfer(path: Path, read_only: bool = False):
    from asr_desktop.services.transfer import TransferService  # deferred: SQLAlchemy

    if not path.is_file():
        raise ValidationError(f"La base {path} n'existe pas.", "db")
    services = open_services_for(path, read_only=read_only)
    return services, TransferService(services.database.sessions, services.user_id)


def run_template(args: argparse.Namespace) -> int:
    services, transfer = _transfer(args.db)
    try:
        company_id = transfer.company_for_siret(args.siret)
        last: date = args.to or args.month
        count = transfer.write_template(company_id, args.month, last, args.out)
    finally:
        services.close()
    print(f"Modèle écrit : {args.out} ({count} lignes).")
    return EXIT_OK


def run_templates(args: argparse.Namespace) -> int:
    services, transfer = _transfer(args.db)
    try:
        written = transfer.write_month_templates(args.month, args.out_dir)
    finally:
        services.close()
    month = formats.format_month(args.month)
    print(f"{len(written)} modèles de relevé écrits pour {month} dans {args.out_dir} :")
    for path in written:
        print(f"  {path.name}")
    return EXIT_OK


def run_statement(args: argparse.Namespace) -> int:
    from asr_desktop.services.transfer import report_lines  # deferred: SQLAlchemy

    services, transfer = _transfer(args.db, read_only=args.dry_run)
    try:
        preview = transfer.preview_statement(args.file)
        print("\n".join(report_lines(preview)))
        if args.dry_run:
            print("Essai : rien n'a été enregistré.")
            return EXIT_OK if preview.acceptable else EXIT_INVALID
        try:
            report = transfer.commit_statement(preview, skip_invalid=args.skip_invalid)
        except ImportRejected as refused:
            print(f"{refused}", file=sys.stderr)
            return EXIT_INVALID
    finally:
        services.close()
    print(
        f"Relevé importé : {report.created} lignes créées, {report.corrected} corrigées, "
        f"{report.unchanged} déjà à jour"
        + (f", {report.skipped_rejected} rejetées ignorées." if report.skipped_rejected else ".")
    )
    return EXIT_OK
