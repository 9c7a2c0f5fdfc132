"""Start-up of ASR Desktop: the composition root (architecture §3.3).

``main()`` hands a sub-command (``asr-desktop demo|calibrate|check …``) to the command line
without ever loading Qt. Otherwise it opens the window: ``QApplication`` with the French locale
and Qt's French translations, a rotating log file, the crash hook, then the database:

1. a network or cloud-synchronised folder is refused (``services.startup``);
2. a lock beside the file: a second copy of the program on the same base is refused;
3. the start-up gate: a missing file asks for the first account (new encrypted base, recovery
   key shown once); an encrypted file asks for login and password (growing delay, « Clé de
   secours… »), then is checked with its key; an unfit file (empty, truncated, foreign,
   damaged, newer) is never written: the user may set it aside and restore the newest
   verified backup;
4. the main window, with the automatic lock (``ui.lock``) for the signed-in user.

Without a screen (``--screenshot``), or when set, ``ASR_USER``/``ASR_PASSPHRASE`` sign in;
``--demo`` also tries the documented demonstration account. Qt is imported inside the
functions that need it, never at module level.
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from time import perf_counter

from asr_desktop import APPLICATION_NAME, APPLICATION_SLUG, ORGANISATION_NAME, __version__

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2
#: Options of the window; a first argument among them never loads the command line.
GUI_OPTIONS = frozenset({"--db", "--demo", "--no-encryption", "--screenshot", "--page"})
DATABASE_SETTING = "database/path"
LOG_FILE_NAME = f"{APPLICATION_SLUG}.log"
SCREENSHOT_DELAY_MS = 300


def default_database_path() -> Path:
    """The user's database, in the local (not roaming) application-data folder."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APPLICATION_NAME, ORGANISATION_NAME)) / "asr.db"


def default_log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir(APPLICATION_NAME, ORGANISATION_NAME))


def shown_path(path: Path) -> str:
    """A path for the log, with the home folder (which holds the user's name) as « ~ »."""
    try:
        return str(Path("~") / Path(path).resolve().relative_to(Path.home().resolve()))
    except ValueError:
        return str(path)


def configure_logging(log_dir: Path) -> Path | None:
    """INFO and above to a rotating file in ``log_dir`` (1 Mo × 5), warnings to stderr.
    Messages carry identifiers, counts and timings, never personal data."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per plugin otherwise
    if sys.stderr is not None:  # None under pythonw / a windowed frozen build
        console = logging.StreamHandler()
        console.setLevel(logging.WARNING)
        root.addHandler(console)
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        path = log_dir / LOG_FILE_NAME
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    except OSError as error:
        log.warning("journal impossible à écrire dans %s (%s)", shown_path(log_dir), error)
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s : %(message)s"))
    root.addHandler(handler)
    return path


def is_command(argv: list[str]) -> bool:
    """Whether ``argv`` is for the command line (its first word is in ``cli.COMMANDS``)."""
    if not argv or argv[0].split("=", 1)[0] in GUI_OPTIONS:
        return False
    from asr_desktop.cli import COMMANDS  # no Qt, nothing heavy

    return argv[0] in COMMANDS


def parse_options(argv: list[str]):
    """The window's options; a French message and ``SystemExit(2)`` when they are wrong."""
    from asr_desktop.cli._parser import FrenchArgumentParser

    parser = FrenchArgumentParser(
        prog="asr-desktop",
        description="Ouvre la fenêtre d'ASR Desktop. Sous-commandes : asr-desktop --help.",
    )
    parser.add_argument(
        "--db",
        type=Path,
        metavar="CHEMIN",
        help="la base à ouvrir (créée si elle n'existe pas ; par défaut : la base de "
        "l'utilisateur, ou la dernière ouverte)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="si la base n'existe pas, la créer remplie de données de démonstration (chiffrée, "
        "compte « demo ») ; se connecter avec le compte de démonstration",
    )
    parser.add_argument(
        "--no-encryption",
        "--sans-chiffrement",
        dest="no_encryption",
        action="store_true",
        help="avec --demo : créer la base de démonstration sans la chiffrer",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="FICHIER.png",
        help="afficher la fenêtre, l'enregistrer en image puis quitter (contrôles visuels)",
    )
    parser.add_argument(
        "--page", type=int, metavar="N", help="la page à afficher d'abord (1 à 7, comme Ctrl+N)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``asr-desktop`` and ``python -m asr_desktop``; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if is_command(args):
        from asr_desktop import cli

        return cli.main(args)
    try:
        options = parse_options(args)
    except SystemExit as stop:  # --help or a usage error, already explained in French
        return stop.code if isinstance(stop.code, int) else EXIT_REFUSED
    return run_gui(options)


# --- the window -----------------------------------------------------------------------------


def run_gui(options) -> int:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from asr_desktop.ui import qt_support, resources_rc  # noqa: F401 - resources_rc: icons
    from asr_desktop.ui.pages import PAGES

    interactive = options.screenshot is None
    log_dir = default_log_dir()
    configure_logging(log_dir)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setOrganizationName(ORGANISATION_NAME)
    app.setApplicationName(APPLICATION_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(":/icons/asr-desktop.svg"))
    qt_support.install_french(app)
    crashes = qt_support.CrashReporter(log_dir, interactive)
    crashes.install()
    log.info(
        "%s %s démarre (Qt %s, PySide6 %s, Python %s)",
        APPLICATION_NAME,
        __version__,
        qVersion(),
        pyside_version,
        sys.version.split()[0],
    )
    if not qt_support.fonts_available():
        log.warning("aucune police trouvée : installez fonts-dejavu-core (Linux)")
        if not interactive:
            return EXIT_FAILED
    settings = qt_support.user_settings() if interactive else None
    start_page = None if options.page is None else options.page - 1
    launcher = Launcher(
        settings, log_dir, interactive, start_page, encrypt_demo=not options.no_encryption
    )
    if start_page is not None and not 0 <= start_page < len(PAGES):
        launcher.refuse(f"--page : choisissez une page de 1 à {len(PAGES)}.")
        return EXIT_REFUSED
    if not launcher.open(options.db or launcher.remembered_path(), demo=options.demo):
        return EXIT_REFUSED
    window = launcher.window
    window.show()
    try:
        if options.screenshot is not None:
            saved = take_screenshot(app, window, options.screenshot)
            return EXIT_OK if saved and crashes.count == 0 else EXIT_FAILED
        return app.exec()
    finally:
        launcher.close()
        log.info("%s s'arrête", APPLICATION_NAME)


def take_screenshot(app, window, target: Path) -> bool:
    """Let the window lay itself out and paint, save it as PNG, quit."""
    from PySide6.QtCore import QTimer

    saved: list[bool] = []

    def grab() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        saved.append(window.grab().save(str(target), "PNG"))
        window.close()
        app.quit()

    QTimer.singleShot(SCREENSHOT_DELAY_MS, grab)
    app.exec()
    return bool(saved and saved[0])


class Launcher:
    """Owns what one open database needs: the lock beside the file, the signed-in database
    (services, accounts, user), the window and its lock screen; « Fichier → Ouvrir une
    base… » replaces them all at once. ``cost``: Argon2id parameters of new key slots (tests
    pass a cheap one); ``idle_ms`` overrides the idle time of the preferences."""

    def __init__(
        self,
        settings,
        log_dir: Path,
        interactive: bool,
        start_page: int | None = None,
        *,
        encrypt_demo: bool = True,
        cost=None,
        idle_ms: int | None = None,
    ):
        self.settings = settings
        self.log_dir = log_dir
        self.interactive = interactive
        self.start_page = start_page  # for the first window only
        self.encrypt_demo = encrypt_demo
        self.cost = cost
        self.idle_ms = idle_ms
        self.window = None
        self.opened = None
        self.lock_screen = None
        self.auto_backup = None
        self._lock = None

    @property
    def services(self):
        return self.opened.services if self.opened is not None else None

    def remembered_path(self) -> Path:
        if self.settings is not None:
            last = self.settings.value(DATABASE_SETTING, "", str)
            if last and Path(last).is_file():
                return Path(last)
        return default_database_path()

    def refuse(self, message: str) -> None:
        """Say why a database cannot be opened: a French box, or stderr without a screen."""
        log.warning("ouverture refusée : %s", message)
        self._warn("Ouverture impossible", message)

    def _warn(self, title: str, message: str) -> None:
        if self.interactive:
            from asr_desktop.ui import qt_support

            qt_support.warn(self.window, title, message)
        elif sys.stderr is not None:
            sys.stderr.write(f"Erreur : {message}\n")

    def open(self, path: Path, demo: bool = False) -> bool:
        """Open ``path`` (and show it in place of the current window, if any); False, after
        telling the user why, when it is refused or the user gave up. The current database
        then stays open."""
        from asr_desktop.domain.errors import Cancelled, DomainError
        from asr_desktop.services.startup import location_problem
        from asr_desktop.ui.sign_in import SignIn

        path = Path(path).expanduser().absolute()
        problem = location_problem(path)
        if problem is not None:
            self.refuse(problem)
            return False
        lock = self._take_lock(path)
        if lock is False:
            self.refuse(
                f"La base {path.name} est déjà ouverte dans une autre fenêtre d'ASR Desktop. "
                "Fermez-la d'abord, ou ouvrez une autre base."
            )
            return False
        try:
            if demo and not path.exists():
                self._generate_demo(path)
            started = perf_counter()
            opened = SignIn(
                path, self.interactive, demo=demo, cost=self.cost, parent=self.window
            ).run()
        except Cancelled:  # the user stopped the demo generation: nothing to explain
            _release(lock)
            log.info("création de la base de démonstration annulée")
            return False
        except DomainError as error:  # refused file, wrong credentials without a screen…
            _release(lock)
            self.refuse(str(error))
            return False
        except BaseException:
            _release(lock)
            raise
        if opened is None:  # a dialog was closed: the user chose not to go on
            _release(lock)
            return False
        log.info("base %s ouverte en %.2f s", shown_path(path), perf_counter() - started)
        self._replace(opened, lock)
        if self.settings is not None:
            self.settings.setValue(DATABASE_SETTING, str(path))
        return True

    def _replace(self, opened, lock) -> None:
        from asr_desktop.ui.main_window import MainWindow

        old_window, old_opened, old_lock = self.window, self.opened, self._lock
        if self.lock_screen is not None:
            self.lock_screen.stop()
        self._stop_backups()
        self.opened, self._lock = opened, lock
        self.window = MainWindow(
            opened.services,
            settings=self.settings,
            log_dir=self.log_dir,
            start_page=self.start_page,
        )
        self.start_page = None
        self.window.databaseOpenRequested.connect(lambda chosen: self.open(Path(chosen)))
        self.window.restoreRequested.connect(lambda chosen: self.restore(Path(chosen)))
        self.lock_screen = self._install_lock(opened, self.window)
        self._start_backups(opened)
        if old_window is not None:
            self.window.show()
            old_window.close()
            old_window.deleteLater()
        if old_opened is not None:
            old_opened.close()
        _release(old_lock)

    def _start_backups(self, opened) -> None:
        """Automatic backups of a base someone works in (not of a read-only one, nor in the
        non-interactive runs: screenshots, scripts)."""
        if not self.interactive or opened.services.database.read_only:
            return
        from asr_desktop.ui.auto_backup import AutoBackup

        # a child of the window: « Sauvegarder maintenant » goes through it (one writer)
        self.auto_backup = AutoBackup(
            opened.services.database, opened.services.user_id, parent=self.window
        )
        window = self.window
        self.auto_backup.reported.connect(lambda text: window.statusBar().showMessage(text, 10_000))
        self.auto_backup.start()

    def _stop_backups(self) -> None:
        if self.auto_backup is not None:
            self.auto_backup.stop()
            self.auto_backup = None

    def restore(self, backup_path: Path):
        """Put the backup ``backup_path`` in place of the open base (Paramètres →
        Sauvegardes): the automatic lock and backups stop (a last backup is made if
        anything changed), the base is closed, restored — the replaced file set aside, the
        people erased since the backup erased again — and opened again for the same user
        in a new window. Returns the ``RestoreReport``, or None when the backup was refused:
        the base is then opened again as it was, and the user told why."""
        from asr_desktop.domain.errors import DomainError
        from asr_desktop.services.backups import BackupService, default_backup_folder

        if self.opened is None:
            return None
        opened, lock, page = self.opened, self._lock, self.window.current_key
        if self.lock_screen is not None:
            self.lock_screen.stop()
            self.lock_screen = None
        self._stop_backups()
        # No user id: applying past erasures again is no decision of the one restoring (an
        # adviser may restore), and their account may not exist in the backup.
        service = BackupService(opened.services.database, default_backup_folder(opened.path))
        report = failure = None
        try:
            report = service.restore(backup_path)
        except (DomainError, OSError) as error:
            failure = error
        finally:
            service.close()
            opened.close()
        reopened = self._reopen(opened)
        if reopened is None:  # nobody signed in again: the base stays closed
            log.warning("base restaurée mais non rouverte")
            self.opened, self._lock = None, None
            _release(lock)
            self.window.close()
            return report
        self.opened, self._lock, self.start_page = None, None, page
        self._replace(reopened, lock)
        if failure is not None:
            log.warning("restauration refusée (%s)", type(failure).__name__)
            self._warn("Restauration impossible", f"{failure} La base n'a pas changé.")
            return None
        self._tell_restored(report)
        return report

    def _reopen(self, old):
        """The restored base, opened for the user who was signed in (same key), else after
        a new sign-in (their account is not in the backup, or is disabled there)."""
        from asr_desktop.domain.errors import DomainError
        from asr_desktop.services import access
        from asr_desktop.services.auth import AuthService
        from asr_desktop.services.container import build_services
        from asr_desktop.ui.sign_in import SignIn

        path, user, key = old.path, old.user, old.services.database.key
        try:
            if key is not None and user is not None:
                return access.open_encrypted(path, key, user.login, cost=self.cost)
            if key is None:
                plain = access.open_plain(path, cost=self.cost)
                account = plain.auth.account(user.login) if user is not None else None
                if account is not None and account.active:
                    database = plain.services.database
                    auth = AuthService(database.sessions, account.id, cost=self.cost)
                    return access.OpenedDatabase(
                        build_services(database, account.id), auth, account
                    )
                if user is None and not plain.needs_sign_in:
                    return plain
                plain.close()
        except DomainError as error:
            log.info("nouvelle connexion après restauration (%s)", type(error).__name__)
        try:
            return SignIn(path, self.interactive, cost=self.cost, parent=self.window).run()
        except DomainError as error:
            self.refuse(str(error))
            return None

    def _tell_restored(self, report) -> None:
        from asr_desktop.domain.backups import parse_backup_name

        taken = parse_backup_name(report.backup.name)
        when = f" du {taken:%d/%m/%Y à %H:%M}" if taken is not None else ""
        lines = [f"La sauvegarde{when} a été restaurée et la base rouverte."]
        if report.set_aside is not None:
            lines.append(
                f"La base remplacée est conservée dans son dossier sous le nom "
                f"« {report.set_aside.name} »."
            )
        if report.erasures_reapplied:
            count = report.erasures_reapplied
            lines.append(
                f"{count} personne{'s' if count > 1 else ''} anonymisée{'s' if count > 1 else ''}"
                " depuis cette sauvegarde l'" + ("ont" if count > 1 else "a") + " été à nouveau."
            )
        log.info("sauvegarde restaurée (%d effacement(s) réappliqué(s))", report.erasures_reapplied)
        self.window.statusBar().showMessage(lines[0], 15_000)
        if self.interactive:
            from asr_desktop.ui import qt_support

            qt_support.inform(self.window, "Sauvegarde restaurée", "\n\n".join(lines))

    def _install_lock(self, opened, window):
        """The automatic lock, for a signed-in user (a base without accounts has no
        password to ask)."""
        from asr_desktop.ui.lock import LockScreen, idle_minutes

        user = opened.user
        if user is None:
            return None
        idle_ms = self.idle_ms or idle_minutes(self.settings) * 60_000
        return LockScreen(
            window,
            lambda password: opened.auth.authenticate(user.login, password),
            user_text=f"Session de {user.display_name} ({user.role.label})",
            idle_ms=idle_ms,
            wait=lambda: opened.auth.remaining_wait(user.login),
        ).install()

    def _take_lock(self, path: Path):
        """A ``QLockFile`` held while the base is open; False if another copy holds it,
        None if the folder does not allow one (the opening itself will then say why)."""
        from PySide6.QtCore import QLockFile

        if not path.parent.is_dir():
            return None
        lock = QLockFile(str(path) + ".lock")
        lock.setStaleLockTime(0)  # held for hours; a crashed holder is detected by its PID
        if lock.tryLock(100):
            return lock
        if lock.error() == QLockFile.LockError.LockFailedError:
            return False
        log.warning("verrou impossible à poser à côté de %s", shown_path(path))
        return None

    def _generate_demo(self, path: Path) -> None:
        from asr_desktop.services import NO_PROGRESS
        from asr_desktop.services.access import create_demo

        log.info("création de la base de démonstration %s", shown_path(path))
        progress = NO_PROGRESS
        if self.interactive:
            from asr_desktop.ui.qt_support import DialogProgress

            progress = DialogProgress("Création de la base de démonstration…")
        try:
            create_demo(
                path,
                size="realistic",
                encrypted=self.encrypt_demo,
                progress=progress,
                cost=self.cost,
            )
        finally:
            if progress is not NO_PROGRESS:
                progress.close()

    def close(self) -> None:
        if self.lock_screen is not None:
            self.lock_screen.stop()
            self.lock_screen = None
        self._stop_backups()
        if self.opened is not None:
            self.opened.close()
            self.opened = None
        _release(self._lock)
        self._lock = None


def _release(lock) -> None:
    if lock is not None and lock is not False:  # None / False: there was none to take
        lock.unlock()
