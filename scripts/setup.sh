#!/usr/bin/env bash
# Installs what a fresh Debian 12 / Ubuntu machine with the .NET 10 SDK lacks, then restores and builds.
# Idempotent: a second run installs nothing and only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"

need_packages=()
# OpenCvSharp's native library links against GTK 3 (for highgui), even though SegKit never opens a window.
if ! ldconfig -p 2>/dev/null | grep -q 'libgtk-3\.so\.0'; then
  need_packages+=(gtk3)
fi

if [ ${#need_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "setup: libgtk-3.so.0 is missing (needed by OpenCvSharp). Install the Debian/Ubuntu package libgtk-3-0 (libgtk-3-0t64 on Ubuntu 24.04+) as root, then run this again." >&2
    exit 1
  fi
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing libgtk-3-0 (needed by OpenCvSharp's native library)..."
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  if apt-cache show libgtk-3-0t64 >/dev/null 2>&1; then gtk=libgtk-3-0t64; else gtk=libgtk-3-0; fi
  $SUDO apt-get install -y -qq --no-install-recommends "$gtk" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK (dotnet) is not on PATH; install it first." >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet restore Toolkit.sln --nologo -v quiet
dotnet build Toolkit.sln --no-restore -c "$configuration" --nologo -v quiet -clp:"ErrorsOnly;NoSummary"
