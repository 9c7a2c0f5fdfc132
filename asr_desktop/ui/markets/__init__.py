"""The Marchés page's pieces: the tree model and its progress delegate, the lot pane (clause,
calibration calculator, attributions, placements, progress, contact log) and the dialogs of
each level. The page itself is ``ui/pages/markets.py``."""
