"""Settings-side use cases: dated parameters, users, committees and the export log.

Dated parameters are only ever added: a new value starts at its ``valid_from`` date and the
older ones stay in force for the dates before it, so past calibrations and reports can be
recomputed as they were (product.md §2, domain.md Appendix A).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from asr_desktop.domain import parameters as params
from asr_desktop.domain.enums import CommitteeKind, ExportKind, UserRole
from asr_desktop.domain.errors import Conflict, NotFound, ValidationError
from asr_desktop.domain.formats import format_date, format_number
from asr_desktop.domain.model import Committee, ExportRecord, Parameter, User
from asr_desktop.persistence.repositories.accounts import AccountRepository
from asr_desktop.persistence.repositories.clauses import AuthorityRepository, OperationRepository
from asr_desktop.persistence.repositories.settings import (
    CommitteeRepository,
    ExportRecordRepository,
    ParameterRepository,
    UserRepository,
)
from asr_desktop.services import _validation as check
from asr_desktop.services.auth import NotAllowed

#: Keys outside ``parameters.SPECS`` that may still be added (new trades, new presets): ratios.
OPEN_RATIO_PREFIXES = ("labour_share.", "insertion_rate.")
#: Units counted in whole numbers, with their minimum.
_WHOLE_UNITS = {"mois": 1, "années": 1, "personnes": 1, "jours": 0}
_LOGIN = re.compile(r"^[\w.@-]{2,60}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def parameter_unit(key: str) -> str:
    """The unit of a parameter key (``taux`` for the open ratio families)."""
    spec = params.SPECS_BY_KEY.get(key)
    if spec is not None:
        return spec.unit
    if key.startswith(OPEN_RATIO_PREFIXES) and len(key) > len(key.split(".")[0]) + 1:
        return "taux"
    raise ValidationError(f"Paramètre inconnu : « {key} ».", "key")


def _parameter_label(key: str) -> str:
    spec = params.SPECS_BY_KEY.get(key)
    return spec.label if spec is not None else key


def check_parameter_value(key: str, value: object) -> Decimal:
    """The value as ``Decimal`` if it suits the parameter's unit, else ``ValidationError``."""
    unit = parameter_unit(key)
    what = f"La valeur de « {_parameter_label(key)} »"
    if unit == "taux":
        result = check.ratio(value, "value", what)
    elif unit == "€/h":
        result = check.positive(value, "value", what)
    else:
        result = check.non_negative(value, "value", what)
    if result is None:
        raise ValidationError(f"{what} est obligatoire.", "value")
    if unit == "booléen" and result not in (0, 1):
        raise ValidationError(f"{what} vaut 1 (oui) ou 0 (non).", "value")
    if unit in _WHOLE_UNITS:
        minimum = _WHOLE_UNITS[unit]
        if result != result.to_integral_value() or result < minimum:
            raise ValidationError(
                f"{what} doit être un nombre entier de {unit} d'au moins {minimum}.", "value"
            )
    return result


def require_coordinator(s: Session, user_id: int | None, action: str) -> None:
    """Refuse (``NotAllowed``) ``action`` — « anonymiser un dossier »… — to a signed-in user
    who is not an active coordinator. Without a signed-in user (``user_id`` None: a base
    without accounts, the command line, the start-up gate, the erasures applied again after
    a restore) there is no role to check."""
    if user_id is None:
        return
    acting = UserRepository(s).get(user_id)
    if acting is None or not acting.active or acting.role is not UserRole.COORDINATOR:
        raise NotAllowed(f"Seul un coordinateur peut {action}.")


class ParameterService:
    def __init__(self, sessions: sessionmaker[Session], user_id: int | None = None):
        self._sessions = sessions
        self._user_id = user_id

    def list_all(self) -> list[Parameter]:
        """Every dated value, by key then date (the history is kept)."""
        with self._sessions.begin() as s:
            return ParameterRepository(s).list()

    def history(self, key: str) -> list[Parameter]:
        with self._sessions.begin() as s:
            return ParameterRepository(s).list(key)

    def in_force(self, on: date) -> list[Parameter]:
        """For each stored key, the value in force on ``on``."""
        with self._sessions.begin() as s:
            return ParameterRepository(s).list_in_force(on)

    def value_at(self, key: str, on: date) -> Decimal:
        """The value of ``key`` in force on ``on`` (documented default before any row)."""
        with self._sessions.begin() as s:
            rows = ParameterRepository(s).list(key)
        try:
            return params.value_at(rows, key, on)
        except KeyError:
            raise NotFound(f"Paramètre inconnu : « {key} ».") from None

    def add_value(
        self, key: str, value: object, valid_from: date, note: str | None = None
    ) -> Parameter:
        """Add a new dated value. An existing (key, date) is never overwritten: Conflict."""
        key = check.text(key, "key", "Le paramètre").strip()
        amount = check_parameter_value(key, value)
        if not isinstance(valid_from, date):
            raise ValidationError("La date d'effet est obligatoire.", "valid_from")
        with self._sessions.begin() as s:
            repo = ParameterRepository(s)
            existing = repo.find(key, valid_from)
            if existing is not None:
                raise Conflict(
                    f"« {_parameter_label(key)} » a déjà une valeur au "
                    f"{format_date(valid_from)} ({format_number(existing.value, 5)}) : une valeur "
                    "datée ne se modifie pas, ajoutez-en une à une autre date."
                )
            return repo.add(
                Parameter(
                    key=key, value=amount, valid_from=valid_from, note=check.optional_text(note)
                ),
                created_by_id=self._user_id,
            )


class UserService:
    """People using the program (passwords: ``AuthService``). ``user_id``: who is signed in;
    only a coordinator may then activate or deactivate accounts."""

    def __init__(self, sessions: sessionmaker[Session], user_id: int | None = None):
        self._sessions = sessions
        self._user_id = user_id

    def create_user(
        self, login: str, display_name: str, role: UserRole | str = UserRole.ADVISER
    ) -> User:
        login = check.text(login, "login", "L'identifiant")
        if not _LOGIN.match(login):
            raise ValidationError(
                "L'identifiant compte de 2 à 60 caractères : lettres, chiffres, point, tiret, "
                "tiret bas ou @, sans espace.",
                "login",
            )
        name = check.text(display_name, "display_name", "Le nom affiché")
        if len(name) > 120:
            raise ValidationError("Le nom affiché compte au plus 120 caractères.", "display_name")
        chosen = check.enum_value(UserRole, role, "role", "Le rôle")
        with self._sessions.begin() as s:
            repo = UserRepository(s)
            if repo.find_by_login(login) is not None:
                raise Conflict(f"L'identifiant « {login} » est déjà pris.")
            return repo.add(User(id=None, login=login, display_name=name, role=chosen))

    def get_user(self, user_id: int) -> User:
        with self._sessions.begin() as s:
            found = UserRepository(s).get(user_id)
        if found is None:
            raise NotFound(f"L'utilisateur n° {user_id} n'existe pas.")
        return found

    def find_by_login(self, login: str) -> User | None:
        with self._sessions.begin() as s:
            return UserRepository(s).find_by_login(str(login or "").strip())

    def list_users(self, active_only: bool = False) -> list[User]:
        with self._sessions.begin() as s:
            return UserRepository(s).list(active_only)

    def has_users(self) -> bool:
        """False on first start: the program then asks for the first user."""
        with self._sessions.begin() as s:
            return UserRepository(s).count() > 0

    def with_password(self) -> set[int]:
        """Ids of the accounts that can sign in (an Argon2id hash is stored); the others —
        accounts of a demonstration base, created before passwords — need a new password
        (``AuthService.reset_password``) first. Only this flag leaves the service."""
        with self._sessions.begin() as s:
            accounts = AccountRepository(s)
            return {
                user.id
                for user in UserRepository(s).list()
                if user.id is not None
                and (accounts.password_hash(user.id) or "").startswith("$argon2")
            }

    def set_active(self, user_id: int, active: bool) -> User:
        """Activate or deactivate an account (a deactivated one cannot sign in; its history
        stays). Refused: to a signed-in user who is not a coordinator (``NotAllowed``), for
        one's own account, and for the last active coordinator (``Conflict``) — someone must
        always be able to manage the accounts."""
        with self._sessions.begin() as s:
            repo = UserRepository(s)
            require_coordinator(s, self._user_id, "activer ou désactiver un compte")
            user = repo.get(user_id)
            if user is None:
                raise NotFound(f"L'utilisateur n° {user_id} n'existe pas.")
            if user.active and not active:
                self._check_can_leave(repo, user)
            repo.set_active(user_id, active)
            return repo.get(user_id)  # type: ignore[return-value]

    def _check_can_leave(self, repo: UserRepository, user: User) -> None:
        if user.id == self._user_id:
            raise Conflict(
                "Vous ne pouvez pas désactiver votre propre compte : demandez-le à un autre "
                "coordinateur."
            )
        if user.role is UserRole.COORDINATOR and not any(
            other.role is UserRole.COORDINATOR and other.id != user.id
            for other in repo.list(active_only=True)
        ):
            raise Conflict(
                f"{user.display_name} est le dernier coordinateur actif : activez ou créez "
                "d'abord un autre compte coordinateur, sinon plus personne ne pourrait gérer "
                "les comptes."
            )


class CommitteeService:
    """Committees (comité technique, de pilotage, bilan annuel) and the log of exports."""

    def __init__(self, sessions: sessionmaker[Session], user_id: int | None = None):
        self._sessions = sessions
        self._user_id = user_id

    def create_committee(self, committee: Committee) -> Committee:
        kind = check.enum_value(CommitteeKind, committee.kind, "kind", "Le type de comité")
        title = check.text(committee.title, "title", "L'intitulé du comité")
        for field_name, what in (
            ("meeting_date", "La date de la réunion"),
            ("period_start", "Le début de la période"),
            ("period_end", "La fin de la période"),
        ):
            if not isinstance(getattr(committee, field_name), date):
                raise ValidationError(f"{what} est obligatoire.", field_name)
        if committee.period_end < committee.period_start:
            raise ValidationError(
                f"La fin de la période ({format_date(committee.period_end)}) précède son début "
                f"({format_date(committee.period_start)}).",
                "period_end",
            )
        with self._sessions.begin() as s:
            self._check_scope(s, committee)
            value = Committee(
                id=None,
                kind=kind,
                meeting_date=committee.meeting_date,
                period_start=committee.period_start,
                period_end=committee.period_end,
                title=title,
                authority_id=committee.authority_id,
                operation_id=committee.operation_id,
                qualitative_text=check.optional_text(committee.qualitative_text),
            )
            return CommitteeRepository(s).add(value)

    def get_committee(self, committee_id: int) -> Committee:
        with self._sessions.begin() as s:
            found = CommitteeRepository(s).get(committee_id)
        if found is None:
            raise NotFound(f"Le comité n° {committee_id} n'existe pas.")
        return found

    def list_committees(self) -> list[Committee]:
        """Most recent meeting first."""
        with self._sessions.begin() as s:
            return CommitteeRepository(s).list()

    def record_export(
        self,
        kind: ExportKind | str,
        row_count: int,
        named: bool,
        sha256: str | None,
        committee_id: int | None = None,
    ) -> ExportRecord:
        """Log a file that left the program: what, how many rows, named or not, its digest."""
        chosen = check.enum_value(ExportKind, kind, "kind", "Le type d'export")
        if isinstance(row_count, bool) or not isinstance(row_count, int) or row_count < 0:
            raise ValidationError(
                "Le nombre de lignes exportées est un entier positif ou nul.", "row_count"
            )
        digest = None if sha256 is None else str(sha256).strip().lower()
        if digest is not None and not _SHA256.match(digest):
            raise ValidationError(
                "L'empreinte SHA-256 compte 64 caractères hexadécimaux.", "sha256"
            )
        with self._sessions.begin() as s:
            if committee_id is not None and CommitteeRepository(s).get(committee_id) is None:
                raise NotFound(f"Le comité n° {committee_id} n'existe pas.")
            if self._user_id is not None and UserRepository(s).get(self._user_id) is None:
                raise NotFound(f"L'utilisateur n° {self._user_id} n'existe pas.")
            return ExportRecordRepository(s).add(
                chosen,
                user_id=self._user_id,
                committee_id=committee_id,
                named=bool(named),
                row_count=row_count,
                sha256=digest,
            )

    def list_exports(self, committee_id: int | None = None) -> list[ExportRecord]:
        with self._sessions.begin() as s:
            return ExportRecordRepository(s).list(committee_id)

    @staticmethod
    def _check_scope(s: Session, committee: Committee) -> None:
        if (
            committee.authority_id is not None
            and AuthorityRepository(s).get(committee.authority_id) is None
        ):
            raise NotFound(f"Le donneur d'ordre n° {committee.authority_id} n'existe pas.")
        if committee.operation_id is not None:
            operation = OperationRepository(s).get(committee.operation_id)
            if operation is None:
                raise NotFound(f"L'opération n° {committee.operation_id} n'existe pas.")
            if (
                committee.authority_id is not None
                and operation.authority_id != committee.authority_id
            ):
                raise ValidationError(
                    "L'opération choisie n'appartient pas au donneur d'ordre choisi.",
                    "operation_id",
                )
