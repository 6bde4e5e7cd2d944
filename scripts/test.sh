#!/usr/bin/env bash
# Restores, builds and runs every test project, then prints one summary line over all of them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Toolkit.sln --no-build -c "${CONFIGURATION:-Release}" --nologo 2>&1 | tee "$log" || status=$?

# 'dotnet test' prints one "Passed!/Failed! - Failed: a, Passed: b, Skipped: c, Total: d" line per project.
awk '/(Passed|Failed)! +- +Failed:/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
       n++ }
     END { if (n == 0) { print "Tests: no test project reported a result"; exit 1 }
           printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log" || status=1
exit $status
