#!/usr/bin/env bash
# Developer commands of ASR Desktop on Debian/Ubuntu (the Makefile only calls this script).
#
#   scripts/dev.sh run  [options de la fenêtre]  prepare, create the demo base if absent, open it
#   scripts/dev.sh test [options de pytest]      prepare, ruff, lint-imports, pytest (offscreen)
#   scripts/dev.sh demo                          prepare, create the demo base if absent
#   scripts/dev.sh lint                          prepare, ruff + lint-imports
#   scripts/dev.sh screenshots                   prepare (with Xvfb), demo base, one PNG per page
#                                                into docs/screenshots/
#
# "prepare" = Debian libraries Qt needs (apt-get, only the missing ones), .venv created if
# missing, project installed editable with its test tools when pyproject.toml changed,
# forms/*.ui and resources/ compiled again when they changed.
#
# Environment: PYTHON (default python3), ASR_VENV (default .venv), ASR_DEMO_DB (default
# demo/asr-demo.db), ASR_DEMO_SIZE (default realistic), ASR_SKIP_APT=1 to leave apt alone,
# ASR_VISUAL=1 to also install Xvfb (screenshots under a virtual X server).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
VENV=${ASR_VENV:-.venv}
VPY="$VENV/bin/python"
DEMO_DB=${ASR_DEMO_DB:-demo/asr-demo.db}
DEMO_SIZE=${ASR_DEMO_SIZE:-realistic}
STAMP="$VENV/.asr-install-stamp"

# Qt offscreen (tests): EGL/GL loaders, xkbcommon, fontconfig + a real font, dbus, glib.
APT_RUNTIME="libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core"
# A real window on X11 (the xcb plugin) — `make run`.
APT_WINDOW="libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1"
# Screenshots under a virtual X server (ASR_VISUAL=1).
APT_VISUAL="xvfb xauth"

say() { printf '[dev] %s\n' "$*" >&2; }
die() { printf '[dev] erreur : %s\n' "$*" >&2; exit 2; }

# ---- Debian packages, only the missing ones ------------------------------------------------
ensure_apt() {
  [ "${ASR_SKIP_APT:-0}" = 1 ] && return 0
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "pas de dpkg-query (système non Debian) : bibliothèques système non vérifiées"
    return 0
  fi
  local missing="" p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
      || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  say "paquets Debian à installer :$missing"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      say "ATTENTION : ni root ni sudo ; installez-les à la main : apt-get install$missing"
      return 0
    fi
    sudo="sudo"
    # no terminal (CI, IDE): never wait for a password
    [ -t 0 ] || sudo="sudo -n"
  fi
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086  # word splitting wanted: package list and sudo options
  if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null; }; then
    say "ATTENTION : installation apt impossible ; on continue sans :$missing"
  fi
}

ensure_python() {
  command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON introuvable : installez Python 3.11 ou plus récent"
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "Python 3.11 ou plus récent est nécessaire ($("$PYTHON" --version 2>&1))"
  # Debian's python3 needs python3-venv (ensurepip) to create a virtual environment
  if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    ensure_apt python3-venv
  fi
}

# ---- the virtual environment ---------------------------------------------------------------
ensure_venv() {
  local stamp
  stamp=$({ "$PYTHON" -c 'import sys; print(sys.version)'; cat pyproject.toml; } | sha256sum | cut -c1-16)
  if [ ! -x "$VPY" ]; then
    ensure_python
    say "création de l'environnement $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  if [ "$(cat "$STAMP" 2>/dev/null)" != "$stamp" ]; then
    say "installation du projet et des outils de test (pyproject.toml a changé)"
    "$VPY" -m pip install -q --upgrade pip
    "$VPY" -m pip install -q -e '.[test]'
    echo "$stamp" > "$STAMP"
  fi
}

# forms/*.ui and resources/ -> asr_desktop/ui/forms/ui_*.py and resources_rc.py (not in git)
ensure_generated() {
  local marker=asr_desktop/ui/resources_rc.py stale=0 ui
  [ -f "$marker" ] || stale=1
  for ui in forms/*.ui; do
    [ -f "asr_desktop/ui/forms/ui_$(basename "$ui" .ui).py" ] || stale=1
  done
  if [ "$stale" = 0 ] && [ -n "$(find forms resources -newer "$marker" -type f -print -quit)" ]; then
    stale=1
  fi
  if [ "$stale" = 1 ]; then
    say "compilation des formulaires (.ui) et des ressources"
    "$VPY" hatch_build.py >/dev/null
  fi
}

prepare() {
  ensure_apt "$@"
  ensure_venv
  ensure_generated
}

ensure_demo() {
  if [ -f "$DEMO_DB" ]; then
    return 0
  fi
  say "création de la base de démonstration $DEMO_DB ($DEMO_SIZE)"
  mkdir -p "$(dirname "$DEMO_DB")"
  "$VPY" -m asr_desktop demo --db "$DEMO_DB" --size "$DEMO_SIZE"
}

lint() {
  local rc=0
  say "ruff check"
  "$VPY" -m ruff check . || rc=1
  say "lint-imports"
  "$VENV/bin/lint-imports" --no-cache --no-logo || rc=1
  return "$rc"
}

visual_packages() { [ "${ASR_VISUAL:-0}" = 1 ] && echo "$APT_WINDOW $APT_VISUAL"; true; }

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  run)
    # shellcheck disable=SC2046
    prepare $APT_RUNTIME $APT_WINDOW $(visual_packages)
    ensure_demo
    exec "$VPY" -m asr_desktop --demo --db "$DEMO_DB" "$@"
    ;;
  demo)
    prepare $APT_RUNTIME
    ensure_demo
    ;;
  test)
    # shellcheck disable=SC2046
    prepare $APT_RUNTIME $(visual_packages)
    lint_rc=0
    lint || lint_rc=1
    say "pytest (Qt offscreen)"
    set +e
    QT_QPA_PLATFORM=offscreen "$VPY" -m pytest -q "$@"
    test_rc=$?
    set -e
    # a failing test run wins; otherwise a lint failure; otherwise pytest's code (5: no test)
    if [ "$test_rc" != 0 ] && [ "$test_rc" != 5 ]; then exit "$test_rc"; fi
    [ "$lint_rc" = 0 ] || exit 1
    exit "$test_rc"
    ;;
  lint)
    prepare
    lint
    ;;
  screenshots)
    # shellcheck disable=SC2086
    prepare $APT_RUNTIME $APT_WINDOW $APT_VISUAL
    ensure_demo
    exec xvfb-run -a -s "-screen 0 1440x900x24" "$VPY" scripts/screenshots.py --db "$DEMO_DB" "$@"
    ;;
  *)
    echo "utilisation : scripts/dev.sh run|test|demo|lint|screenshots [arguments]" >&2
    exit 2
    ;;
esac
