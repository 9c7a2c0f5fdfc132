"""From the text of a statement to rows matched with people, lots and placements.

Each data line is read with ``domain.formats`` (hours « 7,5 » or « 7h30 », months « 03/2026 »,
« mars 2026 », « 01/03/2026 » or an Excel serial). People are matched by their identifier,
else by name and birth date; lots by « market reference · lot number » (or a market column
and a lot column); the placement is the person's on that lot active during the month (else
the closest one, which the ledger check then refuses with the dates). Blank lines, total
rows and rows without any hours are skipped; a formula anywhere in a row rejects it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from asr_desktop.domain.dates import last_of_month
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import (
    format_date,
    normalise_text,
    parse_date,
    parse_hours,
    parse_month,
)
from asr_desktop.domain.model import Placement
from asr_desktop.persistence.repositories.placements import FollowUpLabelRepository
from asr_desktop.persistence.repositories.transfer import StatementRepository
from asr_desktop.services._transfer_read import FORMULA, SheetText
from asr_desktop.services._transfer_values import RowStatus, StatementRow

#: No month has more hours than 31 × 24: more is a typing error, never a plausible value.
ABSURD_HOURS = Decimal(744)
_LOT = re.compile(
    r"^(?P<market>.*?)[\s·•/|,;:_\-–—]*\blot\b\s*(?:n\s*[°o]?\s*\.?\s*)?(?P<number>[0-9a-z]+)"
    r"(?:\s*[\s·•:\-–—(].*)?$",
    re.IGNORECASE,
)
_IDENTITY = ("reference", "last_name", "full_name", "first_name", "birth_date")


@functools.lru_cache(maxsize=1 << 15)
def _key(text: str) -> str:
    return normalise_text(text, compact=True)


@dataclass
class _Draft:
    line: int
    cells: dict[str, str]
    month: date | None = None
    worked: Decimal | None = None
    training: Decimal | None = None
    column: str = ""
    reason: str = ""
    participant: tuple | None = None  # (id, reference, last, first, birth)
    lot_id: int | None = None
    placement: Placement | None = None

    def reject(self, column: str, reason: str) -> None:
        if not self.reason:
            self.column, self.reason = column, reason

    def person_text(self) -> str:
        full = self.cells.get("full_name", "")
        names = " ".join(
            x for x in (self.cells.get("last_name"), self.cells.get("first_name")) if x
        )
        return full or names


class StatementMatcher:
    def __init__(self, s: Session, sheet: SheetText):
        self._s = s
        self._sheet = sheet
        self._repo = StatementRepository(s)
        self.skipped = 0

    def header(self, key: str) -> str:
        index = self._sheet.columns.get(key)
        return self._sheet.headers[index].strip() if index is not None else key

    def missing_columns(self) -> list[str]:
        have = self._sheet.columns
        missing = []
        if "month" not in have:
            missing.append("Mois")
        if "lot" not in have:
            missing.append("Lot (référence du marché et numéro du lot)")
        has_names = "full_name" in have or "last_name" in have
        if "reference" not in have and not (has_names and "birth_date" in have):
            missing.append("Identifiant (ou Nom, Prénom et Date de naissance)")
        return missing

    # --- reading each line ----------------------------------------------------------------

    def drafts(self) -> list[_Draft]:
        found = []
        for line, cells in self._sheet.lines:
            draft = self._draft(line, cells)
            if draft is None:
                self.skipped += 1
            else:
                found.append(draft)
        return found

    def _draft(self, line: int, cells: list[str]) -> _Draft | None:
        if not any(cells):
            return None
        values = {
            key: (cells[i] if i < len(cells) else "") for key, i in self._sheet.columns.items()
        }
        identity = [values.get(k, "") for k in (*_IDENTITY, "lot")]
        is_total = any(
            "total" in c.casefold() and normalise_text(c).startswith(("total", "sous total"))
            for c in cells
            if c
        )
        if not any(v and not v.startswith(FORMULA) for v in identity) or (
            is_total and not values.get("reference")
        ):
            return None  # a total, a subtotal or a note under the table
        draft = _Draft(line, values)
        for index, text in enumerate(cells):
            if text.startswith(FORMULA):
                header = self._sheet.headers[index] if index < len(self._sheet.headers) else ""
                formula = text.split("\t", 1)[1]
                draft.reject(
                    header.strip() or f"colonne {index + 1}",
                    f"Formule refusée (« {formula[:40]} ») : saisissez la valeur elle-même.",
                )
        if draft.reason:
            return draft
        worked = self._hours(draft, "worked")
        training = self._hours(draft, "training")
        if draft.reason:
            return draft
        if worked is None and training is None:
            return None  # a template row left empty: nothing declared for that month
        draft.worked, draft.training = worked or Decimal("0.00"), training or Decimal("0.00")
        try:
            draft.month = parse_month(values.get("month"), "month")
        except ValidationError as error:
            draft.reject(self.header("month"), error.message)
        return draft

    def _hours(self, draft: _Draft, key: str) -> Decimal | None:
        try:
            hours = parse_hours(draft.cells.get(key), key, optional=True)
        except ValidationError as error:
            draft.reject(self.header(key), error.message)
            return None
        if hours is not None and hours > ABSURD_HOURS:
            draft.reject(
                self.header(key),
                f"{hours} heures en un mois : impossible (un mois compte au plus 744 heures).",
            )
            return None
        return hours

    # --- matching ---------------------------------------------------------------------------

    def match(self, drafts: list[_Draft]) -> None:
        alive = [d for d in drafts if not d.reason]
        self._match_people(alive)
        self._match_lots([d for d in alive if not d.reason])
        self._match_placements([d for d in alive if not d.reason])

    def _match_people(self, drafts: list[_Draft]) -> None:
        references = {d.cells.get("reference", "").strip().upper() for d in drafts} - {""}
        by_reference = {
            ref.upper(): person
            for ref, person in self._repo.people_by_reference(references).items()
        }
        births: dict[int, date] = {}
        for n, d in enumerate(drafts):
            if d.cells.get("birth_date"):
                try:
                    births[n] = parse_date(d.cells["birth_date"], "birth_date")
                except ValidationError as error:
                    if not d.cells.get("reference"):
                        d.reject(self.header("birth_date"), error.message)
        born: dict[date, list[tuple]] = {}
        for person in self._repo.people_born_on(set(births.values())):
            born.setdefault(person[4], []).append(person)
        for n, d in enumerate(drafts):
            if d.reason:
                continue
            reference = d.cells.get("reference", "").strip()
            person = by_reference.get(reference.upper()) if reference else None
            if person is not None:
                if d.person_text() and not self._same_name(d, person):
                    d.reject(
                        self.header("reference"),
                        f"L'identifiant « {reference} » appartient à une autre personne que "
                        f"« {d.person_text()} » : vérifiez l'identifiant ou le nom.",
                    )
                d.participant = person
                continue
            if n not in births or not d.person_text():
                if reference:
                    d.reject(self.header("reference"), f"Identifiant inconnu : « {reference} ».")
                else:
                    column = "reference" if "reference" in self._sheet.columns else "last_name"
                    d.reject(
                        self.header(column),
                        "Personne non identifiée : indiquez son identifiant, ou son nom, son "
                        "prénom et sa date de naissance.",
                    )
                continue
            same = [p for p in born.get(births[n], []) if self._same_name(d, p)]
            if len(same) == 1:
                d.participant = same[0]
            elif not same:
                prefix = (
                    f"Identifiant inconnu : « {reference} », et aucun" if reference else "Aucun"
                )
                d.reject(
                    self.header("reference" if reference else "birth_date"),
                    f"{prefix} participant nommé « {d.person_text()} » né le "
                    f"{format_date(births[n])}.",
                )
            else:
                d.reject(
                    self.header("birth_date"),
                    f"Plusieurs participants nommés « {d.person_text()} » sont nés le "
                    f"{format_date(births[n])} : indiquez l'identifiant.",
                )

    @staticmethod
    def _same_name(d: _Draft, person: tuple) -> bool:
        last, first = _key(person[2]), _key(person[3])
        full = _key(d.cells.get("full_name", ""))
        if full:
            return full in (last + first, first + last)
        given_last = _key(d.cells.get("last_name", ""))
        given_first = _key(d.cells.get("first_name", ""))
        return given_last == last and (not given_first or given_first == first)

    def _match_lots(self, drafts: list[_Draft]) -> None:
        lots: dict[tuple[str, str], list[int]] = {}
        by_market: dict[str, list[int]] = {}
        for lot_id, market, number in self._repo.all_lots():
            lots.setdefault((_key(market), _key(number)), []).append(lot_id)
            by_market.setdefault(_key(market), []).append(lot_id)
        for d in drafts:
            text = d.cells.get("lot", "").strip()
            market_text = d.cells.get("market", "").strip()
            market, number = self._lot_parts(text, market_text)
            candidates = (
                lots.get((_key(market), _key(number)), [])
                if number
                else by_market.get(_key(market), [])
            )
            shown = text if not market_text else f"{market_text} · lot {text}"
            if len(candidates) == 1:
                d.lot_id = candidates[0]
            elif not text and not market_text:
                d.reject(self.header("lot"), "Lot manquant.")
            elif not candidates:
                d.reject(self.header("lot"), f"Lot inconnu : « {shown} ».")
            elif number:
                d.reject(
                    self.header("lot"),
                    f"Référence de lot ambiguë : « {shown} » (plusieurs marchés portent cette "
                    "référence).",
                )
            else:
                d.reject(
                    self.header("lot"),
                    f"Le marché « {shown} » a plusieurs lots : précisez le numéro (« {shown} · "
                    "lot 2 »).",
                )

    @staticmethod
    def _lot_parts(text: str, market_text: str) -> tuple[str, str]:
        if market_text:
            match = _LOT.match(text)
            return market_text, (match.group("number") if match else text)
        match = _LOT.match(text)
        if match and match.group("market").strip():
            return match.group("market"), match.group("number")
        if "/" in text:
            market, _, number = text.rpartition("/")
            return market, number
        return text, ""

    def _match_placements(self, drafts: list[_Draft]) -> None:
        people = {d.participant[0] for d in drafts}
        by_person_lot: dict[tuple[int, int], list[Placement]] = {}
        for p in self._repo.placements_of(people):
            by_person_lot.setdefault((p.participant_id, p.lot_id), []).append(p)
        lot_names = FollowUpLabelRepository(self._s).lot_labels({d.lot_id for d in drafts})
        for d in drafts:
            options = by_person_lot.get((d.participant[0], d.lot_id), [])
            if not options:
                market, number, _title = lot_names.get(d.lot_id, ("?", "?", ""))
                d.reject(
                    self.header("lot"),
                    f"Cette personne n'a aucune mise en emploi sur le lot {market} · lot {number}.",
                )
            elif d.month is not None:
                d.placement = min(options, key=lambda p: _distance(p, d.month))

    # --- rows for the preview ---------------------------------------------------------------

    def row(self, d: _Draft, status: RowStatus | None = None) -> StatementRow:
        reference = d.participant[1] if d.participant else d.cells.get("reference", "")
        return StatementRow(
            line=d.line,
            status=RowStatus.REJECTED if d.reason else (status or RowStatus.NEW),
            reference=reference,
            person=d.person_text(),
            lot=" · lot ".join(x for x in (d.cells.get("market"), d.cells.get("lot")) if x),
            month=d.month,
            worked=d.worked,
            training=d.training,
            proof=(d.cells.get("proof") or "").strip()[:120] or None,
            column=d.column,
            reason=d.reason,
            participant_id=d.participant[0] if d.participant else None,
            placement_id=d.placement.id if d.placement else None,
        )


def _distance(p: Placement, month: date) -> int:
    """0 when the placement is active during the month, else days to its nearest end."""
    ends = [x for x in (p.end_date, p.exit_date) if x is not None]
    end = min(ends) if ends else None
    if p.start_date > last_of_month(month):
        return (p.start_date - last_of_month(month)).days
    if end is not None and end < month:
        return (month - end).days
    return 0
