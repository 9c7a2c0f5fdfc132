"""The person's rights from their record: « Exporter ses données » (right of access, a file
holding every row about them, logged) and « Anonymiser » (irreversible erasure of everything
identifying, the committee figures unchanged)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from asr_desktop.domain.errors import DomainError
from asr_desktop.services.container import Services
from asr_desktop.services.rights import export_file_name
from asr_desktop.ui import common, qt_support

log = logging.getLogger(__name__)

EXPORT_FILTER = "Classeur Excel (*.xlsx);;Fichier JSON (*.json)"


def choose_export_path(parent: QWidget | None, participant_id: int) -> Path | None:
    """Where to write the export: the suggested name holds no name, only the record number."""
    suggested = Path.home() / export_file_name(participant_id, common.today(), ".xlsx")
    path, chosen_filter = QFileDialog.getSaveFileName(
        parent, "Exporter les données de la personne", str(suggested), EXPORT_FILTER
    )
    if not path:
        return None
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".json"):
        path = path.with_suffix(".json" if "json" in chosen_filter else ".xlsx")
    return path


def export_data(
    parent: QWidget | None, services: Services, participant_id: int, path: Path | None = None
) -> bool:
    """Write everything held on the person at ``path`` (asked when None); True when written."""
    path = path or choose_export_path(parent, participant_id)
    if path is None:
        return False
    try:
        services.rights.export_person_to(participant_id, path)
    except (DomainError, OSError) as error:
        log.warning("export des données d'un dossier impossible (%s)", type(error).__name__)
        qt_support.warn(parent, "Export impossible", f"Le fichier n'a pas pu être écrit : {error}")
        return False
    common.changes().changed.emit("export")
    qt_support.inform(
        parent,
        "Données exportées",
        f"Toutes les données détenues sur cette personne sont dans {path}. Ce fichier contient "
        "des données personnelles : remettez-le à la personne, puis supprimez-le du poste.",
    )
    return True


def anonymise(parent: QWidget | None, services: Services, participant_id: int) -> bool:
    """After a French confirmation, erase what identifies the person; True when done."""
    if not common.confirm(
        parent,
        "Anonymiser le dossier",
        "Le nom, les coordonnées, la date de naissance exacte et tous les textes libres de ce "
        "dossier seront effacés définitivement, y compris dans les sauvegardes restaurées plus "
        "tard. Les heures et les chiffres des comités restent les mêmes.\n\n"
        "Cette action est irréversible.",
        yes="Anonymiser définitivement",
    ):
        return False
    try:
        services.rights.anonymise(participant_id)
    except DomainError as error:
        common.show_error(parent, error, "Anonymisation impossible")
        return False
    common.changes().changed.emit("participant")
    return True
