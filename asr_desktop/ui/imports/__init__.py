"""Imports and the statement templates: ``ImportWizard`` (« Fichier → Importer un relevé
d'heures… ») and ``PrepareTemplatesDialog`` (« Préparer les relevés du mois… »)."""

from asr_desktop.ui.imports.templates_dialog import PrepareTemplatesDialog
from asr_desktop.ui.imports.wizard import ImportWizard

__all__ = ["ImportWizard", "PrepareTemplatesDialog"]
