"""ASR Desktop — suivi des clauses sociales d'insertion (GPSEA / PCI)."""

__version__ = "0.1.0"
ORGANISATION_NAME = "PCI-GPSEA"
APPLICATION_NAME = "ASR Desktop"
APPLICATION_SLUG = "asr-desktop"
