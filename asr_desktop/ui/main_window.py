"""The main window: a shell with the navigation column, the page stack, menus and status bar.

It holds no business logic and loads no data itself: each page does, from the services, the
first time it is shown (architecture §3.3). The layout comes from ``forms/main_window.ui``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSettings, Qt, QUrl, Signal, qVersion
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QIcon,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QLabel,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from asr_desktop import APPLICATION_NAME, __version__
from asr_desktop.domain.errors import DomainError
from asr_desktop.services.container import Services
from asr_desktop.ui import (
    qt_support,
    resources_rc,  # noqa: F401 - registers the ":/icons/…" resources
)
from asr_desktop.ui.common import changes
from asr_desktop.ui.forms.ui_main_window import Ui_MainWindow
from asr_desktop.ui.pages import PAGES, PageSpec

log = logging.getLogger(__name__)

APP_ICON = ":/icons/asr-desktop.svg"
GEOMETRY_KEY = "main_window/geometry"
PAGE_KEY = "main_window/page"
TABLES_KEY = "tables"  # tables/<page key>/<view objectName> = the header's saved state
BACKUP_FILTER = "Sauvegardes ASR Desktop (*.db);;Tous les fichiers (*)"
#: What a page may offer to the « Édition » menu (method names, no arguments).
PAGE_COMMANDS = ("create_record", "open_selected", "focus_search")
DATABASE_FILTER = "Bases ASR Desktop (*.db *.sqlite);;Tous les fichiers (*)"


class MainWindow(QMainWindow):
    """``settings`` keeps the geometry and the last page (none: nothing is remembered);
    ``log_dir`` is what « Aide → Ouvrir le dossier des journaux » opens; ``start_page``
    (position or key) overrides the page remembered."""

    #: The user chose another database file in « Fichier → Ouvrir une base… ».
    databaseOpenRequested = Signal(str)
    #: « Paramètres → Sauvegardes → Restaurer… »: the launcher closes, restores, reopens.
    restoreRequested = Signal(Path)

    def __init__(
        self,
        services: Services,
        *,
        settings: QSettings | None = None,
        log_dir: Path | None = None,
        pages: Sequence[PageSpec] = PAGES,
        start_page: int | str | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self._settings = settings
        self._log_dir = log_dir
        self._pages = tuple(pages)
        self._built: dict[int, QWidget] = {}
        self._stale: set[int] = set()  # built pages to read again when next shown
        self.ui = Ui_MainWindow()
        self.ui.setupUi(self)
        self.setWindowIcon(QIcon(APP_ICON))
        self.setWindowTitle(f"{APPLICATION_NAME} — {services.path.name}")
        self._add_pages()
        self._connect_actions()
        self.database_label = QLabel(f"Base : {services.path}", self)
        self.database_label.setObjectName("databasePathLabel")
        self.database_label.setToolTip(str(services.path))
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ui.statusBar.addPermanentWidget(self.database_label, 1)
        self.user_label = QLabel(self._user_text(), self)
        self.user_label.setObjectName("userLabel")
        self.ui.statusBar.addPermanentWidget(self.user_label)
        changes().changed.connect(self._data_changed)
        self._restore_settings(start_page)

    def _user_text(self) -> str:
        if self.services.user_id is None:
            return "Base sans comptes utilisateurs"
        try:
            user = self.services.users.get_user(self.services.user_id)
        except DomainError:
            return "Utilisateur inconnu"
        return f"Utilisateur : {user.display_name} ({user.role.label})"

    # --- pages ------------------------------------------------------------------------------

    def _add_pages(self) -> None:
        for index, spec in enumerate(self._pages):
            self.ui.navigationList.addItem(QListWidgetItem(QIcon(spec.icon), spec.title))
            holder = QWidget(self.ui.pageStack)  # the page itself is built on first display
            holder.setObjectName(f"{spec.key}Holder")
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.ui.pageStack.addWidget(holder)
            action = QAction(QIcon(spec.icon), spec.title, self)
            action.setObjectName(f"show_{spec.key}")
            if index < 9:
                action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(partial(self.show_page, index))
            self.ui.menuView.addAction(action)
        self.ui.navigationList.currentRowChanged.connect(self._display)

    @property
    def page_keys(self) -> list[str]:
        return [spec.key for spec in self._pages]

    @property
    def current_index(self) -> int:
        return self.ui.pageStack.currentIndex()

    @property
    def current_key(self) -> str:
        return self._pages[self.current_index].key

    def show_page(self, page: int | str) -> None:
        """Show a page by position or key (what Ctrl+1… and the navigation column do)."""
        index = self.page_keys.index(page) if isinstance(page, str) else page
        self.ui.navigationList.setCurrentRow(index)

    def page(self, page: int | str) -> QWidget:
        """The page widget, built now if it has not been shown yet."""
        index = self.page_keys.index(page) if isinstance(page, str) else page
        if index not in self._built:
            spec = self._pages[index]
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                widget = spec.factory(self.services)
            finally:
                QGuiApplication.restoreOverrideCursor()
            widget.setObjectName(f"{spec.key}Page")
            self.ui.pageStack.widget(index).layout().addWidget(widget)
            self._built[index] = widget
            if hasattr(widget, "restoreRequested"):
                widget.restoreRequested.connect(self.restoreRequested)
            self._restore_tables(spec.key, widget)
            log.info("page %s construite", spec.key)
        return self._built[index]

    def reload_page(self) -> None:
        """Read the current page's data again (« Affichage → Actualiser la page »)."""
        index = self.current_index
        page = self._built.get(index)
        if page is not None and hasattr(page, "refresh"):
            page.refresh()
            self._stale.discard(index)
            return
        old = self._built.pop(index, None)
        if old is not None:
            self._save_tables(self._pages[index].key, old)
            old.setParent(None)
            old.deleteLater()
        self.page(index)

    def _display(self, index: int) -> None:
        if 0 <= index < len(self._pages):
            page = self.page(index)
            if index in self._stale:
                self._stale.discard(index)
                if hasattr(page, "refresh"):
                    page.refresh()
            self.ui.pageStack.setCurrentIndex(index)
            for name, action in self._page_actions().items():
                action.setEnabled(hasattr(page, name))

    def _data_changed(self, _what: str) -> None:
        """Something was written: every other page built so far reads its data again when
        it is next shown (the current page refreshed itself)."""
        self._stale.update(i for i in self._built if i != self.current_index)

    # --- « Édition »: commands of the current page ---------------------------------------

    def _page_actions(self) -> dict[str, QAction]:
        return {
            "create_record": self.ui.actionNewRecord,
            "open_selected": self.ui.actionOpenRecord,
            "focus_search": self.ui.actionFind,
        }

    def run_page_command(self, name: str) -> bool:
        """Call ``name`` (one of ``PAGE_COMMANDS``) on the current page; False if it has none."""
        page = self._built.get(self.current_index)
        command = getattr(page, name, None) if page is not None else None
        if command is None:
            return False
        command()
        return True

    # --- menus ------------------------------------------------------------------------------

    def _connect_actions(self) -> None:
        self.ui.actionOpenDatabase.triggered.connect(self.choose_database)
        self.ui.actionBackupDatabase.triggered.connect(self.choose_backup)
        self.ui.actionImportStatement.triggered.connect(self.import_statement)
        self.ui.actionPrepareTemplates.triggered.connect(self.prepare_templates)
        for name, action in self._page_actions().items():
            action.triggered.connect(partial(self.run_page_command, name))
        self.ui.actionQuit.triggered.connect(self.close)
        self.ui.actionReloadPage.triggered.connect(self.reload_page)
        self.ui.actionAbout.triggered.connect(self.show_about)
        self.ui.actionOpenLogFolder.triggered.connect(self.open_log_folder)
        self.ui.actionOpenLogFolder.setEnabled(self._log_dir is not None)

    def choose_database(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Ouvrir une base ASR Desktop", str(self.services.path.parent), DATABASE_FILTER
        )
        if path:
            self.databaseOpenRequested.emit(path)

    def import_statement(self) -> None:
        from asr_desktop.ui.imports import ImportWizard  # pandas & co. only when needed

        ImportWizard(self.services, self).exec()

    def prepare_templates(self) -> None:
        from asr_desktop.ui.imports import PrepareTemplatesDialog

        PrepareTemplatesDialog(self.services, self).exec()

    def choose_backup(self) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        suggested = self.services.path.parent / f"asr-sauvegarde-{stamp}.db"
        path, _filter = QFileDialog.getSaveFileName(
            self, "Sauvegarder la base", str(suggested), BACKUP_FILTER
        )
        if path:
            self.backup_to(Path(path))

    def backup_to(self, path: Path) -> bool:
        if path.resolve() == self.services.path.resolve():
            qt_support.warn(
                self, "Sauvegarde impossible", "Choisissez un autre fichier que la base ouverte."
            )
            return False
        try:
            written = self.services.maintenance.backup_to(path)
        except (OSError, DomainError) as error:
            log.warning("sauvegarde impossible (%s)", type(error).__name__)
            qt_support.warn(
                self,
                "Sauvegarde impossible",
                f"La sauvegarde n'a pas pu être écrite dans {path} : {error}",
            )
            return False
        self.ui.statusBar.showMessage(f"Base sauvegardée dans {written}", 10_000)
        return True

    def about_text(self) -> str:
        return (
            f"<h3>{APPLICATION_NAME} {__version__}</h3>"
            "<p>Suivi des clauses sociales d'insertion dans la commande publique, pour les "
            "facilitateurs de Grand Paris Sud Est Avenir et du PLIE (Pôle Compétences "
            "Initiatives).</p>"
            f"<p>Base ouverte : {self.services.path}</p>"
            f"<p>Qt {qVersion()}, PySide6 {pyside_version}.</p>"
        )

    def show_about(self) -> None:
        QMessageBox.about(self, f"À propos d'{APPLICATION_NAME}", self.about_text())

    def open_log_folder(self) -> None:
        if self._log_dir is None:
            return
        self._log_dir.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._log_dir)))

    # --- remembered state -------------------------------------------------------------------

    def _restore_settings(self, start_page: int | str | None) -> None:
        start: int | str = 0
        if self._settings is not None:
            geometry = self._settings.value(GEOMETRY_KEY)
            if geometry:
                self.restoreGeometry(geometry)
            key = self._settings.value(PAGE_KEY, "", str)
            if key in self.page_keys:
                start = key
        self.show_page(start if start_page is None else start_page)

    def _views(self, page: QWidget) -> list[QAbstractItemView]:
        return [
            view
            for view in page.findChildren(QAbstractItemView)
            if isinstance(view, QTableView | QTreeView) and view.objectName()
        ]

    def _restore_tables(self, page_key: str, page: QWidget) -> None:
        if self._settings is None:
            return
        for view in self._views(page):
            state = self._settings.value(f"{TABLES_KEY}/{page_key}/{view.objectName()}")
            if state:
                header = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
                header.restoreState(state)

    def _save_tables(self, page_key: str, page: QWidget) -> None:
        if self._settings is None:
            return
        for view in self._views(page):
            header = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
            self._settings.setValue(
                f"{TABLES_KEY}/{page_key}/{view.objectName()}", header.saveState()
            )

    def save_settings(self) -> None:
        if self._settings is None:
            return
        for index, page in self._built.items():
            self._save_tables(self._pages[index].key, page)
        self._settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self._settings.setValue(PAGE_KEY, self.current_key)
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.save_settings()
        super().closeEvent(event)
