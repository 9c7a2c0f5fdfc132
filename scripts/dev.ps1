# Developer commands of ASR Desktop on Windows (the same as scripts/dev.sh, without apt).
#
#   powershell -ExecutionPolicy Bypass -File scripts\dev.ps1 run  [options de la fenêtre]
#   powershell -ExecutionPolicy Bypass -File scripts\dev.ps1 test [options de pytest]
#   powershell -ExecutionPolicy Bypass -File scripts\dev.ps1 demo
#   powershell -ExecutionPolicy Bypass -File scripts\dev.ps1 lint
#
# Python 3.11 or newer must be installed (python.org installer, with the « py » launcher).
# Environment: ASR_PYTHON (e.g. "py -3.12"), ASR_VENV (default .venv),
# ASR_DEMO_DB (default demo\asr-demo.db), ASR_DEMO_SIZE (default realistic).
param(
    [Parameter(Position = 0)][string]$Command = "",
    [Parameter(Position = 1, ValueFromRemainingArguments = $true)][string[]]$Rest = @()
)
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)

$Venv = if ($env:ASR_VENV) { $env:ASR_VENV } else { ".venv" }
$Vpy = Join-Path $Venv "Scripts\python.exe"
$DemoDb = if ($env:ASR_DEMO_DB) { $env:ASR_DEMO_DB } else { "demo\asr-demo.db" }
$DemoSize = if ($env:ASR_DEMO_SIZE) { $env:ASR_DEMO_SIZE } else { "realistic" }
$Stamp = Join-Path $Venv ".asr-install-stamp"

function Say([string]$Text) { Write-Host "[dev] $Text" }
function Fail([string]$Text) { Write-Host "[dev] erreur : $Text" -ForegroundColor Red; exit 2 }

# Runs a native program and stops the script if it fails (PowerShell 5 does not do it alone).
function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { Fail "« $Exe $($Arguments -join ' ') » a échoué (code $LASTEXITCODE)" }
}

function Find-Python {
    $candidates = @()
    if ($env:ASR_PYTHON) { $candidates += , ($env:ASR_PYTHON -split " ") }
    $candidates += , @("py", "-3")
    $candidates += , @("python")
    foreach ($candidate in $candidates) {
        $exe = $candidate[0]
        $extra = @($candidate | Select-Object -Skip 1)
        if (-not (Get-Command $exe -ErrorAction SilentlyContinue)) { continue }
        & $exe @extra -c "import sys; sys.exit(sys.version_info < (3, 11))" 2>$null
        if ($LASTEXITCODE -eq 0) { return , $candidate }
    }
    Fail "Python 3.11 ou plus récent est introuvable : installez-le depuis python.org (avec le lanceur « py »)"
}

function Get-InstallStamp([string[]]$Python) {
    $exe = $Python[0]
    $extra = @($Python | Select-Object -Skip 1)
    $version = & $exe @extra -c "import sys; print(sys.version)"
    $text = $version + "`n" + (Get-Content pyproject.toml -Raw)
    $sha = [System.Security.Cryptography.SHA256]::Create()
    $hash = $sha.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($text))
    return ([System.BitConverter]::ToString($hash) -replace "-", "").Substring(0, 16).ToLower()
}

function Initialize-Venv {
    if (-not (Test-Path $Vpy)) {
        $python = Find-Python
        Say "création de l'environnement $Venv"
        $exe = $python[0]
        $extra = @($python | Select-Object -Skip 1)
        Invoke-Checked $exe ($extra + @("-m", "venv", $Venv))
    }
    $stamp = Get-InstallStamp @($Vpy)
    $previous = if (Test-Path $Stamp) { (Get-Content $Stamp -Raw).Trim() } else { "" }
    if ($previous -ne $stamp) {
        Say "installation du projet et des outils de test (pyproject.toml a changé)"
        Invoke-Checked $Vpy @("-m", "pip", "install", "-q", "--upgrade", "pip")
        Invoke-Checked $Vpy @("-m", "pip", "install", "-q", "-e", ".[test]")
        Set-Content -Path $Stamp -Value $stamp -Encoding ascii
    }
}

# forms\*.ui and resources\ -> asr_desktop\ui\forms\ui_*.py and resources_rc.py (not in git)
function Update-Generated {
    $marker = "asr_desktop\ui\resources_rc.py"
    $stale = -not (Test-Path $marker)
    foreach ($ui in Get-ChildItem forms -Filter *.ui) {
        if (-not (Test-Path "asr_desktop\ui\forms\ui_$($ui.BaseName).py")) { $stale = $true }
    }
    if (-not $stale) {
        $built = (Get-Item $marker).LastWriteTime
        $newer = Get-ChildItem forms, resources -Recurse -File | Where-Object { $_.LastWriteTime -gt $built }
        if ($newer) { $stale = $true }
    }
    if ($stale) {
        Say "compilation des formulaires (.ui) et des ressources"
        Invoke-Checked $Vpy @("hatch_build.py")
    }
}

function Initialize-Project {
    Initialize-Venv
    Update-Generated
}

function Initialize-Demo {
    if (Test-Path $DemoDb) { return }
    Say "création de la base de démonstration $DemoDb ($DemoSize)"
    New-Item -ItemType Directory -Force -Path (Split-Path -Parent $DemoDb) | Out-Null
    Invoke-Checked $Vpy @("-m", "asr_desktop", "demo", "--db", $DemoDb, "--size", $DemoSize)
}

function Invoke-Lint {
    $failed = $false
    Say "ruff check"
    & $Vpy -m ruff check . | Out-Host
    if ($LASTEXITCODE -ne 0) { $failed = $true }
    Say "lint-imports"
    & (Join-Path $Venv "Scripts\lint-imports.exe") --no-cache --no-logo | Out-Host
    if ($LASTEXITCODE -ne 0) { $failed = $true }
    return -not $failed
}

switch ($Command) {
    "run" {
        Initialize-Project
        Initialize-Demo
        & $Vpy -m asr_desktop --demo --db $DemoDb @Rest
        exit $LASTEXITCODE
    }
    "demo" {
        Initialize-Project
        Initialize-Demo
    }
    "test" {
        Initialize-Project
        $lintOk = Invoke-Lint
        Say "pytest (Qt offscreen)"
        $env:QT_QPA_PLATFORM = "offscreen"
        & $Vpy -m pytest -q @Rest
        $testCode = $LASTEXITCODE
        if ($testCode -ne 0 -and $testCode -ne 5) { exit $testCode }
        if (-not $lintOk) { exit 1 }
        exit $testCode
    }
    "lint" {
        Initialize-Project
        if (-not (Invoke-Lint)) { exit 1 }
    }
    default {
        Write-Host "utilisation : powershell -ExecutionPolicy Bypass -File scripts\dev.ps1 run|test|demo|lint [arguments]"
        exit 2
    }
}
