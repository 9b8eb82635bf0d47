#!/usr/bin/env bash
# Publishes imapauto ahead of time as one native executable for this machine (linux-x64): no runtime to install and
# no JIT at start, which is most of the CPU a triage run of a few files costs. The commands that host the whole stack
# in process (demo, bench incidents) stay in the development build. Needs clang and zlib (scripts/bootstrap.sh).
# Usage: scripts/publish-native.sh [OUT=artifacts/native]   -> OUT/imapauto
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-artifacts/native}"
command -v clang >/dev/null || { echo "publish-native: clang is missing; run scripts/bootstrap.sh" >&2; exit 1; }
dotnet publish src/ImapAutomation.Cli/ImapAutomation.Cli.csproj -c Release -r linux-x64 -p:Native=true \
  --nologo -v quiet -clp:ErrorsOnly -o "$out" >&2
test -x "$out/imapauto" || { echo "publish-native: no $out/imapauto" >&2; exit 1; }
echo "$out/imapauto"
