"""The Candidats page's pieces: list and record models, the record pane, and the dialogs
(participant, eligibility, duplicates, merge)."""
