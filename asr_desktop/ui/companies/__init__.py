"""The « Entreprises » page's pieces: list model, record pane, dialogs, SIRET check as typed."""
