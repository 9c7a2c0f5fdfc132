"""``asr-desktop check [--json] --db PATH``: examine a database file without touching it.

Exit 0 when the file is healthy, 1 when the examination found problems, 2 when there is no
file to examine (or an encrypted one without valid credentials). The file is opened read-only
by ``services.startup.inspect_file``: a missing file is never created, a foreign file is never
stamped. An encrypted file is examined with its key, after sign-in with ``ASR_USER`` /
``ASR_PASSPHRASE`` (or on the terminal); the report says ``encrypted: true``.

Besides the file, the report gives the audit trail's hash chain (``audit_chain``: a broken
chain is a problem, exit 1) and the state of the backup folder the program fills
(``backups``: ``<folder of the base>/backups/<name of the base>``; reported with a French
verdict, never a reason to fail: the file itself may be sound without any backup).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import datetime
from pathlib import Path

from asr_desktop.cli._access import database_key
from asr_desktop.cli._labels import census_lines
from asr_desktop.domain.formats import format_date, format_int, format_number
from asr_desktop.services.backups import default_backup_folder
from asr_desktop.services.maintenance import audit_chain_state, backup_state, report_as_dict
from asr_desktop.services.startup import inspect_file

log = logging.getLogger(__name__)

DESCRIPTION = (
    "Vérifie une base sans la modifier : chiffrement, intégrité, références, identifiant, "
    "version du format et du schéma, nombre de lignes par table, chaîne du journal d'accès, "
    "état des sauvegardes (dossier backups/<nom de la base> à côté d'elle). Une base chiffrée est "
    "ouverte avec ASR_USER et ASR_PASSPHRASE, ou en les demandant dans le terminal."
)


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="vérifier l'état d'une base", description=DESCRIPTION
    )
    parser.add_argument("--db", required=True, type=Path, metavar="CHEMIN", help="la base")
    parser.add_argument(
        "--json", action="store_true", help="écrire le rapport en JSON (pour les scripts)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path: Path = args.db
    if not path.exists():
        print(f"Erreur : la base {path} n'existe pas.", file=sys.stderr)
        return 2
    if not path.is_file():
        print(f"Erreur : {path} n'est pas un fichier.", file=sys.stderr)
        return 2
    key = database_key(path)
    report = inspect_file(path, key)
    data = report_as_dict(
        report,
        audit_chain=audit_chain_state(report, key),
        backups=backup_state(default_backup_folder(path), key),
    )
    log.info("Vérification : saine=%s, %d problème(s)", data["healthy"], len(data["problems"]))
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print("\n".join(_human_lines(data)))
    return 0 if data["healthy"] else 1


def _human_lines(data: dict) -> list[str]:
    schema = data["schema_revision"] or "absent"
    lines = [
        f"Base : {data['path']}",
        "Chiffrement : " + ("oui (SQLCipher)" if data["encrypted"] else "non"),
        f"Intégrité : {data['integrity']}",
        f"Références cassées : {format_int(data['foreign_key_problems'])}",
        "Identifiant d'application : "
        + ("ASR Desktop" if data["application_id_ok"] else "inconnu (pas une base ASR Desktop)"),
        f"Version du format : {data['user_version']}",
        f"Schéma : {schema} (version attendue : {data['head_revision']})",
    ]
    if data["row_counts"]:
        lines.append("Lignes par table :")
        lines.extend(census_lines(data["row_counts"]))
    lines.append(f"Journal d'accès : {data['audit_chain']['verdict']}")
    lines.extend(_backup_lines(data["backups"]))
    if data["healthy"]:
        lines.append("Résultat : base saine.")
    else:
        lines.append(f"Résultat : {len(data['problems'])} problème(s) trouvé(s) :")
        lines.extend(f"  - {problem}" for problem in data["problems"])
    return lines


def _moment(text: str) -> str:
    moment = datetime.fromisoformat(text)
    return f"{format_date(moment.date())} à {moment:%H:%M:%S}"


def _backup_lines(backups: dict) -> list[str]:
    lines = [f"Sauvegardes : {format_int(backups['count'])} dans {backups['folder']}"]
    if backups["newest_at"] is not None:
        lines.append(f"  Plus récente : {_moment(backups['newest_at'])}")
    if backups["newest_verified"] is not None:
        lines.append(
            f"  Plus récente vérifiée : {backups['newest_verified']} "
            f"({_moment(backups['newest_verified_at'])}, il y a "
            f"{format_number(backups['age_hours'], 1)} h)"
        )
    lines.append(f"  Bilan : {backups['verdict']}")
    return lines
