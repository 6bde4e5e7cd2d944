#!/usr/bin/env bash
# Installs what a fresh Debian 12 / Ubuntu machine with the .NET 10 SDK lacks, then restores and builds.
# Idempotent: a second run installs nothing and only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"

# Read the linker cache once. Piping 'ldconfig -p' into a reader that stops early (grep -q, awk exit) kills
# ldconfig with SIGPIPE once its output outgrows the pipe buffer, and under pipefail that failed the script
# (exit 141) on machines with many libraries.
ld_cache=$(ldconfig -p 2>/dev/null || true)

need=()
# OpenCvSharp's native library links against GTK 3 (for highgui), even though SegKit never opens a window.
if ! grep -q 'libgtk-3\.so\.0' <<<"$ld_cache"; then
  need+=(gtk)
fi
# TorchSharp's native library wants libstdc++'s GLIBCXX_3.4.32; where it is missing (Debian 12) the build
# compiles a small fix with gcc (see Directory.Build.targets).
libstdcxx=$(awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}' <<<"$ld_cache")
if { [ -z "$libstdcxx" ] || ! grep -q GLIBCXX_3.4.32 "$libstdcxx"; } && ! command -v gcc >/dev/null 2>&1; then
  need+=(gcc)
fi
# The web viewer's tests drive a real browser (Playwright with the system's Chromium: Playwright's own browser
# download is not reachable from every machine). SEGKIT_CHROMIUM may name another Chromium or Chrome executable.
if [ -z "${SEGKIT_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  need+=(chromium)
fi

# Optional: tcmalloc makes TorchSharp training steps ~1.5x faster (segkit train preloads it when present).
optional=()
if ! grep -q 'libtcmalloc_minimal\.so\.4' <<<"$ld_cache"; then
  optional+=(libtcmalloc-minimal4)
fi
if [ ${#need[@]} -eq 0 ] && [ ${#optional[@]} -gt 0 ] && [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq --no-install-recommends "${optional[@]}" || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${optional[@]}"; }; } >/dev/null 2>&1 || true
  optional=()
fi

if [ ${#need[@]} -gt 0 ]; then
  names="${need[*]}"; names="${names/gtk/libgtk-3-0}"
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "setup: missing Debian/Ubuntu packages: $names (libgtk-3-0 is libgtk-3-0t64 on Ubuntu 24.04+). Install them as root, then run this again." >&2
    exit 1
  fi
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing $names..."
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  packages=()
  for n in "${need[@]}"; do
    if [ "$n" = gtk ]; then
      if apt-cache show libgtk-3-0t64 >/dev/null 2>&1; then packages+=(libgtk-3-0t64); else packages+=(libgtk-3-0); fi
    else
      packages+=("$n")
    fi
  done
  $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${optional[@]}" >/dev/null 2>&1 || true
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK (dotnet) is not on PATH; install it first." >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet restore Toolkit.sln --nologo -v quiet
dotnet build Toolkit.sln --no-restore -c "$configuration" --nologo -v quiet -clp:"ErrorsOnly;NoSummary"
