"""The monthly statement template a company fills in (used by ``TransferService``).

One line per placement and month, prefilled with the participant's identifier and name, the
lot (« market reference · lot number », as the import reads it back), the contract and the
modality; the hour columns are empty and accept only a number between 0 and the plausible
monthly maximum (Excel's data validation). A « Notice » sheet explains, in French, how to fill
it in and send it back. File names carry the company's SIRET, never a person's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from asr_desktop.domain.dates import first_of_month, last_of_month, month_range
from asr_desktop.domain.formats import format_date, format_hours, format_month
from asr_desktop.domain.model import Placement

SHEET = "Relevé"
HEADERS = (
    "Identifiant",
    "Nom",
    "Prénom",
    "Lot",
    "Contrat",
    "Modalité",
    "Mois",
    "Heures travaillées",
    "Heures de formation",
    "Justificatif",
)
_WIDTHS = (13, 22, 18, 26, 24, 30, 10, 18, 20, 18)


@dataclass(frozen=True, slots=True)
class TemplateLine:
    placement: Placement
    reference: str
    last_name: str
    first_name: str
    lot: str  # « 2021-GRA-0002 · lot 3 »
    month: date


def lot_reference(market_reference: str, number: str) -> str:
    return f"{market_reference} · lot {number}"


def template_lines(found: list[tuple], first: date, last: date) -> list[TemplateLine]:
    """One line per placement and month of the range when the placement is active then."""
    lines = []
    for placement, reference, last_name, first_name, market, number in found:
        ends = [d for d in (placement.end_date, placement.exit_date) if d is not None]
        end = min(ends) if ends else None
        for month in month_range(first, last):
            if placement.start_date <= last_of_month(month) and (end is None or end >= month):
                lines.append(
                    TemplateLine(
                        placement, reference, last_name, first_name,
                        lot_reference(market, number), month,
                    )
                )  # fmt: skip
    return lines


def file_name(siret: str, first: date, last: date) -> str:
    period = f"{first:%Y-%m}" if first == last else f"{first:%Y-%m}_{last:%Y-%m}"
    return f"releve-heures-{siret}-{period}.xlsx"


def write_workbook(
    path: Path,
    lines: list[TemplateLine],
    company: tuple[str, str],
    first: date,
    last: date,
    max_monthly: Decimal,
) -> None:
    from openpyxl import Workbook  # deferred: heavy
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    for line in lines:
        p = line.placement
        sheet.append(
            [
                line.reference,
                line.last_name,
                line.first_name,
                line.lot,
                p.contract_type.label,
                p.modality.label,
                f"{line.month:%m/%Y}",
                None,
                None,
                None,
            ]
        )
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E79")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for index, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.freeze_panes = "H2"
    last_row = max(2, len(lines) + 1)
    maximum = float(max_monthly)
    validation = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2=str(maximum),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Nombre d'heures refusé",
        error=f"Saisissez un nombre d'heures entre 0 et {format_hours(max_monthly)} "
        "(exemple : 151,67).",
        promptTitle="Heures du mois",
        prompt=f"Nombre d'heures du mois, de 0 à {format_hours(max_monthly)}.",
    )
    validation.showInputMessage = True
    sheet.add_data_validation(validation)
    validation.add(f"H2:I{last_row}")
    for row in sheet.iter_rows(min_row=2, min_col=8, max_col=9):
        for cell in row:
            cell.number_format = "0.00"
    _notice(book.create_sheet("Notice"), company, first, last, max_monthly, len(lines))
    book.active = 0
    book.save(path)


def _notice(sheet, company, first, last, max_monthly, count) -> None:
    from openpyxl.styles import Alignment, Font

    siret, name = company
    period = (
        format_month(first) if first == last else f"{format_month(first)} à {format_month(last)}"
    )
    text = [
        ("Relevé mensuel des heures d'insertion", True),
        (f"Entreprise : {name} — SIRET {siret}", False),
        (f"Période : {period} ({count} lignes, une par salarié et par mois)", False),
        ("", False),
        ("Comment le remplir", True),
        ("1. Sur la feuille « Relevé », chaque ligne correspond à une personne, un lot et un "
         "mois. Ne modifiez pas les colonnes Identifiant, Lot et Mois.", False),
        ("2. Indiquez les heures réellement travaillées sur le lot dans « Heures travaillées » "
         "(7,5 ou 7h30), et les heures de formation dans « Heures de formation ».", False),
        (f"3. Chaque case accepte un nombre entre 0 et {format_hours(max_monthly)} (maximum "
         "plausible par mois). Écrivez 0 si la personne n'a pas travaillé ce mois-là ; une "
         "ligne laissée vide n'est pas importée.", False),
        ("4. N'écrivez pas de formule : seules les valeurs sont acceptées.", False),
        ("5. Vous pouvez indiquer la référence du bulletin de paie ou de la facture dans "
         "« Justificatif ».", False),
        ("6. Si une personne manque, ajoutez une ligne avec son identifiant (ou son nom, son "
         "prénom et sa date de naissance), le lot et le mois.", False),
        ("", False),
        ("Renvoi", True),
        ("Enregistrez le fichier au format Excel (.xlsx), sans le renommer, et renvoyez-le au "
         "facilitateur de la clause sociale avec les justificatifs (bulletins de paie, relevés "
         "d'intérim ou factures).", False),
        ("", False),
        (f"Modèle préparé le {format_date(date.today())} par ASR Desktop.", False),
    ]  # fmt: skip
    for number, (line, bold) in enumerate(text, start=1):
        cell = sheet.cell(row=number, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=13 if number == 1 else 11)
    sheet.column_dimensions["A"].width = 110


def month_bounds(month_from: date, month_to: date) -> tuple[date, date]:
    return first_of_month(month_from), first_of_month(month_to)
