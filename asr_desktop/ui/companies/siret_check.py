"""The SIRET as it is typed: what is wrong with it, in French, or its formatted form.

python-stdnum does the checking (length, digits, Luhn key of the SIRET and of its SIREN, the
La Poste exception); this module only turns its verdict into a sentence for the field. The
service checks the number again when the company is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from stdnum import exceptions as stdnum_errors
from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

from asr_desktop.domain.formats import NBSP

DIGITS = 14


class SiretState(Enum):
    EMPTY = "empty"
    INCOMPLETE = "incomplete"  # only digits so far, fewer than 14
    INVALID = "invalid"
    VALID = "valid"


@dataclass(frozen=True)
class SiretCheck:
    state: SiretState
    message: str
    number: str = ""  # the 14 digits, when valid

    @property
    def valid(self) -> bool:
        return self.state is SiretState.VALID


def display_siret(siret: str) -> str:
    """« 732 829 320 00074 », with no-break spaces so the number never wraps."""
    if len(siret) == DIGITS:  # the stored form: sliced directly (a list shows thousands)
        return NBSP.join((siret[:3], siret[3:6], siret[6:9], siret[9:]))
    return stdnum_siret.format(siret).replace(" ", NBSP)


def check_siret(text: str) -> SiretCheck:
    """The verdict on what is in the field (spaces and dots between digits are allowed)."""
    compact = stdnum_siret.compact(text or "")
    if not compact:
        return SiretCheck(SiretState.EMPTY, "Le SIRET est obligatoire : 14 chiffres.")
    strangers = sorted({c for c in compact if not c.isdigit()}, key=compact.index)
    if strangers:
        quoted = [f"« {c} »" for c in strangers[:3]]
        shown = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} et {quoted[-1]}"
        return SiretCheck(
            SiretState.INVALID,
            f"Des chiffres seulement : {shown} n'en "
            f"{'est pas un' if len(strangers) == 1 else 'sont pas'}.",
        )
    if len(compact) < DIGITS:
        return SiretCheck(
            SiretState.INCOMPLETE,
            f"14 chiffres attendus : {len(compact)} saisi"
            f"{'s' if len(compact) > 1 else ''} pour l'instant.",
        )
    if len(compact) > DIGITS:
        return SiretCheck(
            SiretState.INVALID,
            f"14 chiffres attendus, {len(compact)} saisis : retirez-en {len(compact) - DIGITS}.",
        )
    try:
        number = stdnum_siret.validate(compact)
    except stdnum_errors.InvalidChecksum:
        return SiretCheck(SiretState.INVALID, _checksum_reason(compact))
    except stdnum_errors.ValidationError:
        return SiretCheck(SiretState.INVALID, "Ce SIRET n'est pas valide.")
    return SiretCheck(SiretState.VALID, f"SIRET valide : {display_siret(number)}", number)


def _checksum_reason(number: str) -> str:
    if luhn.is_valid(number) and not luhn.is_valid(number[:9]):
        return (
            "Clé du SIREN (les 9 premiers chiffres) fausse : un chiffre a sans doute été mal "
            "recopié."
        )
    return "Clé de contrôle fausse : un chiffre a sans doute été mal recopié."
