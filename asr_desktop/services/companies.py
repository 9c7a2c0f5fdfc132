"""Companies (SIRET checked), their contacts, attributions of lots and globalisation conventions.

An attribution gives a company a share of a lot's clause hours (0–1); the shares of one lot may
not exceed 1 (100 %). A globalisation convention pools lots that the company holds; its
allocation key is "prorata" (of the lots' required hours, computed when read) or "manual"
(shares stored, summing to 1).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from asr_desktop.domain import rules
from asr_desktop.domain.enums import AttributionRole, CompanyKind
from asr_desktop.domain.errors import Conflict, NotFound, ValidationError
from asr_desktop.domain.formats import format_percent, normalise_text
from asr_desktop.domain.model import (
    Attribution,
    Authority,
    Company,
    CompanyContact,
    GlobalisationConvention,
    Lot,
    Market,
    Operation,
)
from asr_desktop.persistence.repositories.clauses import LotRepository
from asr_desktop.persistence.repositories.companies import (
    AttributionRepository,
    CompanyRepository,
    GlobalisationRepository,
)
from asr_desktop.services import _validation as check

ALLOCATION_KEYS = ("prorata", "manual")
#: Manual shares of a convention must sum to 1 within this tolerance (as rules allow).
_SHARE_TOLERANCE = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class HeldLot:
    """A lot a company holds, with its attribution and its place in the hierarchy."""

    attribution: Attribution
    lot: Lot
    market: Market
    operation: Operation
    authority: Authority


class CompanyService:
    def __init__(self, sessions: sessionmaker[Session], user_id: int | None = None):
        self._sessions = sessions
        self._user_id = user_id

    # --- companies --------------------------------------------------------------------------

    def create_company(self, company: Company) -> Company:
        with self._sessions.begin() as s:
            return CompanyRepository(s).add(self._check_company(s, company))

    def update_company(self, company: Company) -> Company:
        with self._sessions.begin() as s:
            self._company(s, company.id)
            return CompanyRepository(s).update(self._check_company(s, company))

    def get_company(self, company_id: int) -> Company:
        with self._sessions.begin() as s:
            return self._company(s, company_id)

    def find_by_siret(self, siret: str) -> Company | None:
        """The company with this SIRET (spaces allowed), or None; an invalid SIRET is refused."""
        number = check.siret(siret)
        with self._sessions.begin() as s:
            return CompanyRepository(s).get_by_siret(number)

    def list_companies(self, kind: CompanyKind | str | None = None) -> list[Company]:
        chosen = (
            None
            if kind is None
            else check.enum_value(CompanyKind, kind, "kind", "Le type de structure")
        )
        with self._sessions.begin() as s:
            return CompanyRepository(s).list(chosen)

    def search_companies(self, query: str, limit: int = 50) -> list[Company]:
        """Companies whose name, city or SIRET match every word of ``query``, ignoring case
        and accents (« societe generale » finds « Société Générale »). Digits only: SIRET or
        SIREN prefix."""
        compact = "".join(str(query or "").split())
        if not compact:
            return []
        with self._sessions.begin() as s:
            repo = CompanyRepository(s)
            if compact.isdigit():
                return repo.with_siret_prefix(compact, limit)
            words = normalise_text(query).split()
            ids = []
            for company_id, haystack in repo.search_texts():
                if all(w in normalise_text(haystack) for w in words):
                    ids.append(company_id)
                    if len(ids) >= limit:
                        break
            found = repo.get_many(ids)
        return [found[i] for i in ids]

    def list_with_lot_counts(self) -> list[tuple[Company, int]]:
        """Every company by name, with how many lots it holds (any role)."""
        with self._sessions.begin() as s:
            return CompanyRepository(s).list_with_lot_counts()

    # --- contacts ---------------------------------------------------------------------------

    def add_contact(self, contact: CompanyContact) -> CompanyContact:
        with self._sessions.begin() as s:
            self._company(s, contact.company_id)
            return CompanyRepository(s).add_contact(self._check_contact(contact))

    def update_contact(self, contact: CompanyContact) -> CompanyContact:
        with self._sessions.begin() as s:
            existing = self._contact(s, contact.id)
            if contact.company_id != existing.company_id:
                raise ValidationError("Un contact ne peut pas changer d'entreprise.", "company_id")
            return CompanyRepository(s).update_contact(self._check_contact(contact))

    def delete_contact(self, contact_id: int) -> None:
        with self._sessions.begin() as s:
            self._contact(s, contact_id)
            CompanyRepository(s).delete_contact(contact_id)

    def list_contacts(self, company_id: int) -> list[CompanyContact]:
        with self._sessions.begin() as s:
            self._company(s, company_id)
            return CompanyRepository(s).list_contacts(company_id)

    # --- attributions -----------------------------------------------------------------------

    def add_attribution(self, attribution: Attribution) -> Attribution:
        with self._sessions.begin() as s:
            company = self._company(s, attribution.company_id)
            lot = self._lot(s, attribution.lot_id)
            repo = AttributionRepository(s)
            if repo.find(lot.id, company.id) is not None:
                raise Conflict(
                    f"L'entreprise « {company.name} » est déjà attributaire du lot "
                    f"« {lot.number} » ; modifiez son attribution."
                )
            value = self._check_attribution(s, attribution, lot)
            return repo.add(value)

    def update_attribution(self, attribution: Attribution) -> Attribution:
        """Change the role or the hours share (lot and company stay)."""
        with self._sessions.begin() as s:
            existing = self._attribution(s, attribution.id)
            if (attribution.lot_id, attribution.company_id) != (
                existing.lot_id,
                existing.company_id,
            ):
                raise ValidationError(
                    "Une attribution ne peut pas changer de lot ou "
                    "d'entreprise : supprimez-la et créez-en une autre.",
                    "lot_id",
                )
            lot = self._lot(s, existing.lot_id)
            return AttributionRepository(s).update(self._check_attribution(s, attribution, lot))

    def remove_attribution(self, attribution_id: int) -> None:
        with self._sessions.begin() as s:
            self._attribution(s, attribution_id)
            AttributionRepository(s).delete(attribution_id)

    def list_attributions(
        self, lot_id: int | None = None, company_id: int | None = None
    ) -> list[Attribution]:
        with self._sessions.begin() as s:
            return AttributionRepository(s).list(lot_id, company_id)

    def lots_of_company(self, company_id: int) -> list[HeldLot]:
        """The lots a company holds (any role), with market, operation and authority."""
        with self._sessions.begin() as s:
            self._company(s, company_id)
            return [HeldLot(*row) for row in AttributionRepository(s).held_lots(company_id)]

    # --- globalisation conventions ----------------------------------------------------------

    def create_globalisation(self, convention: GlobalisationConvention) -> GlobalisationConvention:
        """Create a convention pooling ``convention.lot_shares`` (lot ids, with shares under
        the "manual" key; under "prorata" the shares given are ignored)."""
        with self._sessions.begin() as s:
            company = self._company(s, convention.company_id)
            name = check.text(convention.name, "name", "Le nom de la convention")
            check.dates_in_order(
                convention.start_date, convention.end_date, "end_date", "de la convention"
            )
            key = str(convention.allocation_key or "").strip().lower()
            if key not in ALLOCATION_KEYS:
                raise ValidationError(
                    f"Clé de répartition inconnue : « {convention.allocation_key} »"
                    " (prorata ou manual).",
                    "allocation_key",
                )
            lot_ids = [lot_id for lot_id, _ in convention.lot_shares]
            if len(set(lot_ids)) != len(lot_ids):
                raise ValidationError(
                    "Un même lot figure deux fois dans la convention.", "lot_shares"
                )
            if len(lot_ids) < 2:
                raise ValidationError(
                    "Une convention de globalisation regroupe au moins deux lots.", "lot_shares"
                )
            lots = LotRepository(s).get_many(lot_ids)
            held = {a.lot_id for a in AttributionRepository(s).list(company_id=company.id)}
            for lot_id in lot_ids:
                lot = lots.get(lot_id)
                if lot is None:
                    raise NotFound(f"Le lot n° {lot_id} n'existe pas (ou plus).")
                if lot_id not in held:
                    raise ValidationError(
                        f"L'entreprise « {company.name} » n'est pas attributaire "
                        f"du lot « {lot.number} ».",
                        "lot_shares",
                    )
                if not lot.globalisation_allowed:
                    raise ValidationError(
                        f"Le lot « {lot.number} » n'autorise pas la globalisation des heures.",
                        "lot_shares",
                    )
            shares = self._convention_shares(key, convention.lot_shares)
            value = replace(convention, name=name, allocation_key=key, lot_shares=())
            new_id = GlobalisationRepository(s).add(value, shares)
            return self._convention(s, new_id)

    def get_globalisation(self, convention_id: int) -> GlobalisationConvention:
        with self._sessions.begin() as s:
            return self._convention(s, convention_id)

    def list_globalisations(
        self, company_id: int | None = None, lot_id: int | None = None
    ) -> list[GlobalisationConvention]:
        with self._sessions.begin() as s:
            found = GlobalisationRepository(s).list(company_id, lot_id)
            lots = LotRepository(s).get_many(
                [lot_id for _, shares in found for lot_id, _share in shares]
            )
            return [self._with_shares(c, shares, lots) for c, shares in found]

    # --- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _convention_shares(
        key: str, given: tuple[tuple[int, Decimal], ...]
    ) -> list[tuple[int, Decimal | None]]:
        if key == "prorata":
            return [(lot_id, None) for lot_id, _ in given]
        shares = [
            (lot_id, check.ratio(share, "lot_shares", "La part d'un lot"))
            for lot_id, share in given
        ]
        if any(share is None for _, share in shares):
            raise ValidationError(
                "La répartition manuelle demande une part pour chaque lot.", "lot_shares"
            )
        total = sum((share for _, share in shares if share is not None), Decimal(0))
        if abs(total - 1) > _SHARE_TOLERANCE:
            raise ValidationError(
                f"Les parts des lots doivent faire {format_percent(1)} au total ; "
                f"elles font "
                f"{format_percent(total, 2)}.",
                "lot_shares",
            )
        return shares

    @staticmethod
    def _with_shares(
        convention: GlobalisationConvention,
        shares: list[tuple[int, Decimal | None]],
        lots: dict[int, Lot],
    ) -> GlobalisationConvention:
        if convention.allocation_key != "prorata":
            pairs = tuple((lot_id, share or Decimal(0)) for lot_id, share in shares)
            return replace(convention, lot_shares=pairs)
        required = {lot_id: lots[lot_id].calibration.required_hours for lot_id, _ in shares}
        if sum(required.values()) == 0:
            return replace(convention, lot_shares=tuple((i, Decimal(0)) for i in required))
        # the rule's largest-remainder split of 100 gives shares to 0.0001 summing exactly to 1
        split = rules.allocate_globalised_hours(Decimal(100), required, "prorata")
        return replace(
            convention, lot_shares=tuple((i, (split[i] / 100).normalize()) for i in required)
        )

    def _convention(self, s: Session, convention_id: int) -> GlobalisationConvention:
        found = GlobalisationRepository(s).get(convention_id)
        if found is None:
            raise NotFound(f"La convention de globalisation n° {convention_id} n'existe pas.")
        convention, shares = found
        lots = LotRepository(s).get_many([lot_id for lot_id, _ in shares])
        return self._with_shares(convention, shares, lots)

    def _check_company(self, s: Session, c: Company) -> Company:
        siret = check.siret(c.siret)
        same = CompanyRepository(s).get_by_siret(siret)
        if same is not None and same.id != c.id:
            raise Conflict(f"Le SIRET {siret} est déjà celui de l'entreprise « {same.name} ».")
        return replace(
            c,
            siret=siret,
            name=check.text(c.name, "name", "La raison sociale"),
            kind=check.enum_value(CompanyKind, c.kind, "kind", "Le type de structure"),
            address=check.optional_text(c.address),
            postcode=check.optional_text(c.postcode),
            city=check.optional_text(c.city),
            naf=(check.optional_text(c.naf) or "").upper() or None,
            contact_name=check.optional_text(c.contact_name),
            contact_email=check.email(c.contact_email, "contact_email"),
            contact_phone=check.optional_text(c.contact_phone),
        )

    @staticmethod
    def _check_contact(c: CompanyContact) -> CompanyContact:
        return replace(
            c,
            name=check.text(c.name, "name", "Le nom du contact"),
            role=check.optional_text(c.role),
            phone=check.optional_text(c.phone),
            email=check.email(c.email),
        )

    @staticmethod
    def _check_attribution(s: Session, a: Attribution, lot: Lot) -> Attribution:
        role = check.enum_value(AttributionRole, a.role, "role", "Le rôle")
        share = check.ratio(a.hours_share, "hours_share", "La part des heures")
        if share is None:
            raise ValidationError("La part des heures est obligatoire.", "hours_share")
        already = AttributionRepository(s).shares_total(lot.id, exclude_id=a.id)
        if already + share > 1:
            raise ValidationError(
                f"Les parts d'heures du lot « {lot.number} » dépasseraient {format_percent(1)} : "
                f"{format_percent(already)} déjà attribués, {format_percent(share)} demandés "
                f"(au plus {format_percent(1 - already)}).",
                "hours_share",
            )
        return replace(a, role=role, hours_share=share)

    @staticmethod
    def _company(s: Session, company_id: int | None) -> Company:
        found = CompanyRepository(s).get(company_id) if company_id is not None else None
        if found is None:
            raise NotFound(f"L'entreprise n° {company_id} n'existe pas (ou plus).")
        return found

    @staticmethod
    def _contact(s: Session, contact_id: int | None) -> CompanyContact:
        found = CompanyRepository(s).get_contact(contact_id) if contact_id is not None else None
        if found is None:
            raise NotFound(f"Le contact n° {contact_id} n'existe pas (ou plus).")
        return found

    @staticmethod
    def _lot(s: Session, lot_id: int | None) -> Lot:
        found = LotRepository(s).get(lot_id) if lot_id is not None else None
        if found is None:
            raise NotFound(f"Le lot n° {lot_id} n'existe pas (ou plus).")
        return found

    @staticmethod
    def _attribution(s: Session, attribution_id: int | None) -> Attribution:
        found = AttributionRepository(s).get(attribution_id) if attribution_id is not None else None
        if found is None:
            raise NotFound(f"L'attribution n° {attribution_id} n'existe pas (ou plus).")
        return found
