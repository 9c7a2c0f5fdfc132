"""The Suivi page's pieces: placements list, agenda, and their dialogs. ``PlacementDialog``,
``ClosePlacementDialog``, ``OutcomeDialog`` and ``ActionDialog`` are meant for other pages too."""

from asr_desktop.ui.follow_up.action_dialog import ActionDialog
from asr_desktop.ui.follow_up.exit_dialogs import ClosePlacementDialog, OutcomeDialog
from asr_desktop.ui.follow_up.placement_dialog import PlacementDialog

__all__ = ["ActionDialog", "ClosePlacementDialog", "OutcomeDialog", "PlacementDialog"]
