"""An ``argparse`` that speaks French, and the value types of the command line.

``argparse`` writes its own messages in English through ``gettext``; rather than patching the
module for the whole process, :class:`FrenchArgumentParser` translates them when it reports an
error, and builds its help with French titles. The value types accept what an adviser types
(« 1 000 000 », « 0,5 », « 5 % », « 31/12/2026 ») through ``domain.formats`` and refuse the
rest with a French message naming the expected form.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import NoReturn

from asr_desktop.domain import formats
from asr_desktop.domain.errors import ValidationError

#: (English argparse message, French replacement) — regular expressions, tried in order.
_TRANSLATIONS: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments non reconnus : \1"),
    (
        r"invalid choice: (.*) \(choose from (.*)\)",
        r"choix invalide : \1 (choix possibles : \2)",
    ),
    (r"expected one argument", r"une valeur est attendue"),
    (r"expected at most one argument", r"une valeur au plus est attendue"),
    (r"expected at least one argument", r"au moins une valeur est attendue"),
    (r"expected (\d+) arguments?", r"\1 valeur(s) attendue(s)"),
    (r"not allowed with argument (.*)", r"incompatible avec l'argument \1"),
    (r"one of the arguments (.*) is required", r"l'un des arguments \1 est obligatoire"),
    (r"ignored explicit argument (.*)", r"valeur non prévue : \1"),
    (r"ambiguous option: (.*) could match (.*)", r"option ambiguë : \1 peut désigner \2"),
    (r"invalid \S+ value: (.*)", r"valeur invalide : \1"),
    (r"unexpected option string: (.*)", r"option inattendue : \1"),
)
_ARGUMENT_PREFIX = re.compile(r"argument (\S+): (.*)", re.DOTALL)


def translate(message: str) -> str:
    """argparse's English error message in French (unknown messages are kept as they are)."""
    prefix = ""
    if match := _ARGUMENT_PREFIX.fullmatch(message):
        prefix, message = f"argument {match.group(1)} : ", match.group(2)
    for english, french in _TRANSLATIONS:
        translated, count = re.subn(f"^{english}$", french, message, flags=re.DOTALL)
        if count:
            return prefix + translated
    return prefix + message


class FrenchHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # prefix "" is argparse computing a sub-command's prog: keep it empty
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)

    def start_section(self, heading):
        super().start_section(f"{heading} " if heading else heading)  # « options : »


class FrenchArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are in French; errors exit with code 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {translate(message)}\n")


# --- value types ------------------------------------------------------------------------------


def _value_type(
    parse: Callable[[str], object], expected: str, name: str
) -> Callable[[str], object]:
    """A ``type=`` for argparse: ``parse`` or a French « valeur invalide » naming ``expected``."""

    def convert(text: str) -> object:
        try:
            value = parse(text)
        except (ValidationError, ValueError, ArithmeticError):
            value = None
        if value is None:
            raise argparse.ArgumentTypeError(f'valeur invalide : "{text}" ({expected})')
        return value

    convert.__name__ = name
    return convert


def _whole(text: str) -> int:
    number = formats.parse_amount(text, allow_negative=True)
    if number is None or number != number.to_integral_value():
        raise ValueError(text)
    return int(number)


def _non_negative_whole(text: str) -> int:
    number = _whole(text)
    if number < 0:
        raise ValueError(text)
    return number


def _positive_whole(text: str) -> int:
    number = _whole(text)
    if number < 1:
        raise ValueError(text)
    return number


def _amount(text: str) -> Decimal:
    return formats.parse_amount(text)


def _hours(text: str) -> Decimal:
    return formats.parse_hours(text)


def _ratio(text: str) -> Decimal:
    return formats.parse_percent(text)


def _date(text: str) -> date:
    return formats.parse_date(text)


amount_value = _value_type(_amount, "nombre attendu, ex. 1 000 000 ou 1000000,50", "montant")
hours_value = _value_type(_hours, "nombre d'heures attendu, ex. 833 ou 7,5", "heures")
ratio_value = _value_type(
    _ratio, "pourcentage entre 0 et 100 % attendu, ex. 5 %, 0,05 ou 5", "pourcentage"
)
months_value = _value_type(_positive_whole, "nombre entier de mois attendu, ex. 36", "mois")
seed_value = _value_type(_non_negative_whole, "nombre entier positif attendu, ex. 2026", "graine")
date_value = _value_type(_date, "date attendue, ex. 31/12/2026 ou 2026-12-31", "date")
