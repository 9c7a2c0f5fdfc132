"""Password rules, the growing delay after failed logins, and the recovery key's written form.

Reading of CNIL deliberation 2022-100 (21 July 2022, JO 16 October 2022, « recommandation
relative aux mots de passe et autres secrets partagés ») as applied here:

- It sets a minimum entropy per case: **case 1, password alone: 80 bits**; case 2, password with
  account access restriction (« temporisation d'accès au compte après plusieurs échecs »,
  maximum number of attempts, captcha): 50 bits; case 3, unlock code of a device held by the
  person (SIM card): 13 bits.
- For case 1 it gives three equivalent examples: at least 12 characters mixing upper case,
  lower case, digits and special characters; at least 14 characters mixing upper case, lower
  case and digits, no special character required; a pass phrase of at least 7 words.

**Case 1 is applied**, although the program does delay logins after failures (case 2 measure):
the password is also the secret from which the key unwrapping the database key is derived
(``persistence/keyslots.py``). Whoever copies the database and its key file (stolen laptop,
stray backup) attacks offline, where no delay applies: only the password's own strength
(plus the Argon2id cost) protects the data, which is case 1. The delay still guards the login
and lock screens, as defence in depth.

The checks are those of the examples (they assume characters or words chosen at random, which
a program cannot verify); in addition a password may not contain the login (for logins of 3
characters or more) nor, unless it is a pass phrase, one of the most common password stems. Characters are classified by
Unicode: « é » is a lower-case letter, anything that is neither letter nor digit is special.

Delay: none for the first ``FREE_ATTEMPTS`` failures, then 30 s doubling at each further
failure up to 15 min (« temporisation » growing with the failures, as case 2 describes),
forgotten after 24 h without failure or at the next successful login. No definitive account
block: on a shared workstation it would let anyone lock a colleague out, and the recovery key
covers forgotten passwords.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from datetime import datetime, timedelta

from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import normalise_text

#: The one message for an unknown login and for a wrong password (no hint for guessers).
WRONG_CREDENTIALS = "Identifiant ou mot de passe incorrect."

MIN_LENGTH_ALL_KINDS = 12  # upper, lower, digit and special
MIN_LENGTH_THREE_KINDS = 14  # upper, lower, digit
MIN_PASSPHRASE_WORDS = 7
MIN_WORD_LENGTH = 3
MIN_LOGIN_CHECKED = 3

#: Stems found at the top of every leaked-password list; refused anywhere in a password.
COMMON_STEMS = (
    "azerty",
    "qwerty",
    "123456",
    "motdepasse",
    "password",
    "passw0rd",
    "soleil",
    "bonjour",
    "doudou",
    "loulou",
    "marseille",
)

FREE_ATTEMPTS = 4
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
FAILURES_FORGOTTEN_AFTER = timedelta(hours=24)

#: Random bytes of a recovery key: 160 bits, written as 32 base-32 characters.
RECOVERY_KEY_BYTES = 20
RECOVERY_GROUP = 4
# Letters people type for the base-32 alphabet's missing digits (0, 1, 8, 9 are not used).
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})
_WORD_SPLIT = re.compile(r"[\s\-_.,;:!?/+]+")


class LoginDelayed(ValidationError):
    """Too many failures: the next attempt is possible after ``remaining``."""

    def __init__(self, remaining: timedelta):
        super().__init__(
            f"Trop d'essais infructueux : réessayez dans {format_delay(remaining)}.", "password"
        )
        self.remaining = remaining


def normalise_login(login: object) -> str:
    """Logins compare without case and surrounding spaces (« Alice » is « alice »)."""
    return str(login or "").strip().casefold()


def password_bytes(password: str) -> bytes:
    """What is hashed: the password in NFC form, UTF-8 (« é » typed as one character or as
    « e » + accent gives the same bytes)."""
    return unicodedata.normalize("NFC", password or "").encode("utf-8")


def _kinds(password: str) -> set[str]:
    kinds = set()
    for char in password:
        if char.isupper():
            kinds.add("upper")
        elif char.islower():
            kinds.add("lower")
        elif char.isdigit():
            kinds.add("digit")
        elif char.isalpha():
            kinds.add("lower")  # letters without case (rare scripts) count as letters
        else:
            kinds.add("special")
    return kinds


def _is_passphrase(password: str) -> bool:
    words = [w.casefold() for w in _WORD_SPLIT.split(password.strip()) if w]
    long_words = [w for w in words if len(w) >= MIN_WORD_LENGTH]
    return len(long_words) >= MIN_PASSPHRASE_WORDS and len(set(long_words)) == len(long_words)


def _composition_problem(password: str) -> str | None:
    length = len(password)
    kinds = _kinds(password)
    letters_digits = {"upper", "lower", "digit"} <= kinds
    if length >= MIN_LENGTH_THREE_KINDS and letters_digits:
        return None
    if length >= MIN_LENGTH_ALL_KINDS and letters_digits and "special" in kinds:
        return None
    if _is_passphrase(password):
        return None
    missing = [
        label
        for kind, label in (
            ("upper", "une majuscule"),
            ("lower", "une minuscule"),
            ("digit", "un chiffre"),
        )
        if kind not in kinds
    ]
    if length < MIN_LENGTH_ALL_KINDS:
        start = f"Le mot de passe compte {length} caractère{'s' if length > 1 else ''}"
    else:
        start = "Le mot de passe est trop simple"
    needs = (
        f"au moins {MIN_LENGTH_ALL_KINDS} caractères avec majuscule, minuscule, chiffre et "
        f"caractère spécial, ou {MIN_LENGTH_THREE_KINDS} caractères avec majuscule, minuscule "
        f"et chiffre, ou une phrase de {MIN_PASSPHRASE_WORDS} mots différents"
    )
    detail = f" (il y manque {', '.join(missing)})" if missing else ""
    return f"{start}{detail} : il en faut {needs}."


def check_password(password: str, login: str) -> list[str]:
    """French reasons why ``password`` is refused for ``login``; empty when it is acceptable."""
    password = password or ""
    if not password.strip():
        return ["Le mot de passe est obligatoire."]
    reasons = []
    problem = _composition_problem(password)
    if problem:
        reasons.append(problem)
    folded = normalise_text(password, compact=True)
    login_folded = normalise_text(login or "", compact=True)
    if len(login_folded) >= MIN_LOGIN_CHECKED and login_folded in folded:
        reasons.append("Le mot de passe ne doit pas contenir l'identifiant.")
    stems = [] if _is_passphrase(password) else [s for s in COMMON_STEMS if s in folded]
    if stems:
        reasons.append(
            f"Le mot de passe contient « {stems[0]} », une suite parmi les plus utilisées : "
            "elle est essayée en premier par qui cherche à deviner un mot de passe."
        )
    return reasons


def lock_delay(failed_attempts: int) -> timedelta:
    """Wait imposed after ``failed_attempts`` consecutive failures (0 for the first ones)."""
    if failed_attempts <= FREE_ATTEMPTS:
        return timedelta(0)
    doublings = failed_attempts - FREE_ATTEMPTS - 1
    if doublings >= 10:  # 30 s × 2**10 is far above the cap already
        return MAX_DELAY
    return min(FIRST_DELAY * (2**doublings), MAX_DELAY)


def effective_failures(failed_attempts: int, last_failure: datetime | None, now: datetime) -> int:
    """The failures still counted at ``now``: forgotten after a quiet day."""
    if last_failure is None or now - last_failure >= FAILURES_FORGOTTEN_AFTER:
        return 0
    return failed_attempts


def remaining_delay(
    failed_attempts: int, last_failure: datetime | None, now: datetime
) -> timedelta:
    """How long before the next attempt is allowed (a clock set back never lengthens it)."""
    count = effective_failures(failed_attempts, last_failure, now)
    delay = lock_delay(count)
    if not delay or last_failure is None:
        return timedelta(0)
    remaining = last_failure + delay - now
    return max(timedelta(0), min(remaining, delay))


def format_delay(delay: timedelta) -> str:
    """« 45 s », « 2 min », « 2 min 30 s » (rounded up to the second)."""
    total = max(0, int(-(-delay.total_seconds() // 1)))
    minutes, seconds = divmod(total, 60)
    if not minutes:
        return f"{seconds} s"
    return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"


def format_recovery_key(raw: bytes) -> str:
    """Base-32 text in groups of four, e.g. ``ABCD-EFGH-…`` (no 0, 1, 8 or 9 to misread)."""
    text = base64.b32encode(raw).decode("ascii").rstrip("=")
    return "-".join(text[i : i + RECOVERY_GROUP] for i in range(0, len(text), RECOVERY_GROUP))


def parse_recovery_key(text: str, size: int = RECOVERY_KEY_BYTES) -> bytes:
    """The bytes of a recovery key typed by a person: spaces, dashes and case do not matter,
    and 0, 1, 8 are read as O, I, B."""
    cleaned = re.sub(r"[\s\-–—_.]+", "", str(text or "")).upper().translate(_LOOKALIKES)
    expected = len(format_recovery_key(bytes(size)).replace("-", ""))
    if len(cleaned) != expected or not re.fullmatch(r"[A-Z2-7]+", cleaned):
        raise ValidationError(
            f"La clé de secours compte {expected} lettres et chiffres (de 2 à 7), en groupes de "
            f"{RECOVERY_GROUP} : vérifiez la saisie.",
            "recovery_key",
        )
    padded = cleaned + "=" * (-len(cleaned) % 8)
    try:
        raw = base64.b32decode(padded)
    except binascii.Error:
        raise ValidationError(
            "La clé de secours n'est pas lisible : vérifiez la saisie.", "recovery_key"
        ) from None
    return raw[:size]
