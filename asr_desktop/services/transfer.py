"""Statement templates and statement imports (product.md §5, issue « heures » points 2-3).

- :meth:`TransferService.write_template` writes the XLSX a company fills in for a month or a
  range; :meth:`write_month_templates` one per company with placements active that month.
- :meth:`TransferService.preview_statement` reads a filled template or a company's own CSV/XLSX
  (``_transfer_read``), matches people, lots and placements (``_transfer_match``) and checks
  each row against the ledger with the hours service's rules (``_transfer_ledger``), writing
  nothing: every row gets a status, each rejected one its line, column and French reason.
- :meth:`TransferService.commit_statement` writes the preview in one transaction, checking
  again: strict by default (one rejected row and nothing is written, ``ImportRejected``),
  ``skip_invalid=True`` writes the valid rows only. The same statement imported twice changes
  nothing; a different value becomes a new version of the month's line. One audit entry per
  import (identifiers and counts, never the file name, which may hold a person's name).

pandas and openpyxl are imported only inside the private ``_transfer_*`` modules, when used.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from asr_desktop.domain import parameters as params
from asr_desktop.domain.dates import as_date, first_of_month, last_of_month
from asr_desktop.domain.enums import AuditAction
from asr_desktop.domain.errors import ImportRejected, NotFound, ValidationError
from asr_desktop.domain.formats import format_month
from asr_desktop.persistence.repositories.audit import AuditRepository
from asr_desktop.persistence.repositories.settings import ParameterRepository
from asr_desktop.persistence.repositories.transfer import StatementRepository
from asr_desktop.services import NO_PROGRESS, Progress
from asr_desktop.services import _transfer_ledger as ledger_rows
from asr_desktop.services import _transfer_template as template
from asr_desktop.services._transfer_match import StatementMatcher
from asr_desktop.services._transfer_read import read_sheet
from asr_desktop.services._transfer_values import (
    ImportIssue,
    ImportPreview,
    ImportReport,
    ImportSummary,
    RowStatus,
    StatementRow,
)

__all__ = [
    "ImportIssue",
    "ImportPreview",
    "ImportReport",
    "ImportSummary",
    "RowStatus",
    "StatementRow",
    "TransferService",
    "report_lines",
]

log = logging.getLogger(__name__)
_KEYS = ("reference", "last_name", "birth_date", "lot", "month", "worked", "training")


class TransferService:
    def __init__(self, sessions: sessionmaker[Session], user_id: int | None = None):
        self._sessions = sessions
        self._user_id = user_id

    # --- templates --------------------------------------------------------------------------

    def write_template(self, company_id: int, month_from: date, month_to: date, path: Path) -> int:
        """Write the statement of the company's placements active from ``month_from`` to
        ``month_to`` (any day of each) to ``path`` (.xlsx); returns the number of lines."""
        first = first_of_month(as_date(month_from, "month_from"))
        last = first_of_month(as_date(month_to, "month_to"))
        if last < first:
            raise ValidationError("Le dernier mois précède le premier.", "month_to")
        if (last.year - first.year) * 12 + last.month - first.month >= 24:
            raise ValidationError("Un modèle couvre au plus 24 mois.", "month_to")
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            raise ValidationError("Le modèle s'enregistre au format .xlsx.", "path")
        with self._sessions.begin() as s:
            repo = StatementRepository(s)
            company = repo.companies([company_id]).get(company_id)
            if company is None:
                raise NotFound(f"L'entreprise n° {company_id} n'existe pas (ou plus).")
            found = repo.company_placements(company_id, first, last_of_month(last))
            maximum = params.value_at(
                ParameterRepository(s).list("hours.max_monthly"), "hours.max_monthly", first
            )
        lines = template.template_lines(found, first, last)
        template.write_workbook(target, lines, company, first, last, maximum)
        log.info("Modèle de relevé écrit : entreprise %s, %d lignes", company_id, len(lines))
        return len(lines)

    def company_for_siret(self, siret: str) -> int:
        """The id of the company with this SIRET (spaces allowed)."""
        digits = "".join(c for c in str(siret) if not c.isspace())
        with self._sessions.begin() as s:
            found = StatementRepository(s).company_by_siret(digits)
        if found is None:
            raise NotFound(f"Aucune entreprise n'a le SIRET {digits}.")
        return found[0]

    def write_month_templates(
        self, month: date, folder: Path, progress: Progress = NO_PROGRESS
    ) -> list[Path]:
        """One template per company with placements active during ``month``, named
        ``releve-heures-SIRET-AAAA-MM.xlsx`` in ``folder`` (created if needed)."""
        first = first_of_month(as_date(month, "month"))
        target = Path(folder)
        if target.exists() and not target.is_dir():
            raise ValidationError(f"« {target} » n'est pas un dossier.", "folder")
        target.mkdir(parents=True, exist_ok=True)
        with self._sessions.begin() as s:
            repo = StatementRepository(s)
            ids = repo.companies_with_placements(first, last_of_month(first))
            companies = repo.companies(ids)
        written = []
        for n, company_id in enumerate(ids):
            if progress.cancelled:
                break
            siret = companies[company_id][0]
            path = target / template.file_name(siret, first, first)
            self.write_template(company_id, first, first, path)
            written.append(path)
            progress(n + 1, len(ids), "Modèles de relevé")
        return written

    # --- statements -----------------------------------------------------------------------

    def preview_statement(self, path: Path) -> ImportPreview:
        """What importing the file would do, row by row; writes nothing."""
        source = Path(path)
        digest = hashlib.sha256(source.read_bytes()).hexdigest() if source.is_file() else ""
        sheet = read_sheet(source)
        if sheet.problem:
            return _refused(source, sheet.kind, sheet.encoding, digest, 0, sheet.problem)
        with self._sessions.begin() as s:
            matcher = StatementMatcher(s, sheet)
            missing = matcher.missing_columns()
            headers = {key: matcher.header(key) for key in _KEYS}
            if missing:
                problem = "Colonnes manquantes : " + " ; ".join(missing) + "."
                return _refused(
                    source, sheet.kind, sheet.encoding, digest, len(sheet.lines), problem
                )
            drafts = matcher.drafts()
            matcher.match(drafts)
            drafted = [matcher.row(d) for d in drafts]
            known = ledger_rows.load(s, drafted)
            planned = ledger_rows.plan(s, drafted, headers, known)
        rows = tuple(p.row for p in planned)
        if not rows:
            problem = "Le relevé ne contient aucune heure à importer (lignes vides ou totaux)."
            return _refused(source, sheet.kind, sheet.encoding, digest, len(sheet.lines), problem)
        months = [r.month for r in rows if r.month is not None]
        summary = ImportSummary(
            file_name=source.name,
            kind=sheet.kind,
            encoding=sheet.encoding,
            sha256=digest,
            data_lines=len(sheet.lines),
            skipped=matcher.skipped,
            counts={status: sum(1 for r in rows if r.status is status) for status in RowStatus},
            first_month=min(months, default=None),
            last_month=max(months, default=None),
        )
        errors = tuple(ImportIssue(r.line, r.column, r.reason) for r in rows if r.rejected)
        log.info(
            "Aperçu d'un relevé %s : %d lignes, %d rejetées", sheet.kind, len(rows), len(errors)
        )
        return ImportPreview(
            source, rows, errors, summary, None, headers, tuple(planned), known.digest
        )

    def commit_statement(
        self, preview: ImportPreview, *, skip_invalid: bool = False
    ) -> ImportReport:
        """Write the preview in one transaction, or nothing (``ImportRejected``)."""
        if preview.file_problem:
            raise ImportRejected(preview.file_problem, _issues(preview.errors))
        if preview.errors and not skip_invalid:
            raise ImportRejected(_refusal(len(preview.errors)), _issues(preview.errors))
        with self._sessions.begin() as s:
            known = ledger_rows.load(s, list(preview.rows))
            if preview.plan and known.digest == preview.inputs_digest:
                planned = list(preview.plan)  # same inputs, same rules: same result
            else:
                planned = ledger_rows.plan(s, list(preview.rows), dict(preview.headers), known)
            rejected = [p.row for p in planned if p.row.rejected]
            if rejected and not skip_invalid:  # the base changed since the preview
                issues = [(r.line, r.column, r.reason) for r in rejected]
                raise ImportRejected(_refusal(len(rejected)), issues)
            reason = f"Correction par import d'un relevé d'heures (empreinte {preview.summary.sha256[:12]})."
            created, corrected, unchanged = ledger_rows.write(s, planned, self._user_id, reason)
            audit_id = None
            if created or corrected:
                detail = (
                    f"import d'un relevé d'heures {preview.summary.kind} : {created} lignes "
                    f"créées, {corrected} corrigées, {unchanged} identiques, {len(rejected)} "
                    f"rejetées ignorées ; sha256 {preview.summary.sha256[:16]}"
                )
                entry = AuditRepository(s).append(
                    self._user_id, AuditAction.CREATE, "hours_statement", None, detail
                )
                audit_id = entry.id
        log.info(
            "Relevé importé : %d créées, %d corrigées, %d identiques, %d rejetées ignorées",
            created, corrected, unchanged, len(rejected),
        )  # fmt: skip
        return ImportReport(created, corrected, unchanged, len(rejected), audit_id, preview)


def _issues(errors) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, e.reason) for e in errors]


def _refusal(count: int) -> str:
    lines = "ligne rejetée" if count == 1 else "lignes rejetées"
    return f"Relevé refusé : {count} {lines} ; rien n'a été enregistré."


def _refused(
    path: Path, kind: str, encoding: str | None, digest: str, lines: int, problem: str
) -> ImportPreview:
    summary = ImportSummary(path.name, kind, encoding, digest, lines, 0, {})
    return ImportPreview(path, (), (ImportIssue(0, "", problem),), summary, problem)


def report_lines(preview: ImportPreview) -> list[str]:
    """The preview as the command line prints it: the file, the counts, then every rejected
    row with its line, column and reason."""
    s = preview.summary
    read_as = f"{s.kind}, {s.encoding}" if s.encoding else s.kind
    lines = [f"Relevé : {s.file_name} ({read_as})"]
    if preview.file_problem:
        return [*lines, f"Fichier refusé : {preview.file_problem}"]
    months = ""
    if s.first_month is not None and s.last_month is not None:
        months = format_month(s.first_month)
        if s.last_month != s.first_month:
            months += f" à {format_month(s.last_month)}"
        months = f" ; mois : {months}"
    lines.append(
        f"{len(preview.rows)} lignes d'heures lues ({s.skipped} ignorées : vides, totaux ou "
        f"sans heures){months}."
    )
    lines.append(" ; ".join(f"{status.label} : {s.count(status)}" for status in RowStatus))
    if preview.errors:
        lines.append("Lignes rejetées :")
        lines += [f"  ligne {e.line}, colonne « {e.column} » : {e.reason}" for e in preview.errors]
    return lines
