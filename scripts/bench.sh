#!/usr/bin/env bash
# Triage throughput benchmark (issue 3): generates a storm with `imapauto generate`, then measures on the same file
#   1. imapauto triage --json FILE     with the native build operators run (scripts/publish-native.sh): the product path
#   2. imapauto triage --json FILE     with the development build (dotnet build, JIT-compiled), for comparison
#   3. imapauto bench parse FILE       (the product's parser alone, native, to tell parsing from detection)
#   4. imapauto bench xmlreader FILE   (reference: one streaming XmlReader pass pulling Computer, Provider, EventID; native)
#   5. grep -c '<EventID' FILE         (reference: the physical limit of reading the bytes)
#   6. imapauto triage --json ONE      (the first event alone, both builds: the fixed cost of a run, to tell it from the per-event cost)
# each pinned to one core when taskset exists, and writes the figures with the command and the machine to the
# "Signals: triage throughput" section of docs/benchmarks.md (replacing that section only).
# Usage: scripts/bench.sh [EVENTS=1000000] [SERVERS=50] [SEED=42]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
events="${1:-1000000}"; servers="${2:-50}"; seed="${3:-42}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
file="$work/storm.xml"

dotnet build src/ImapAutomation.Cli -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
dev="$root/src/ImapAutomation.Cli/bin/Release/net10.0/imapauto"
bin="$(bash scripts/publish-native.sh "$work/native")"
"$bin" generate --events "$events" --servers "$servers" --seed "$seed" --out "$file"
bytes=$(stat -c %s "$file")
pin=(); command -v taskset >/dev/null && pin=(taskset -c 0)

measure() { # label command... -> "label wall user peakKB"
  local label="$1"; shift
  /usr/bin/time -f "%e %U %M" -o "$work/time" "${pin[@]}" "$@" >"$work/out" 2>"$work/err" || { local rc=$?; [ "$label" = grep ] || { cat "$work/err" >&2; exit $rc; }; }
  read -r wall user peak <"$work/time"
  echo "$label $wall $user $peak"
}

awk '{ print } /<\/Event>/ { exit }' "$file" >"$work/one.xml"
cat "$file" >/dev/null # warm the page cache so every pass reads from memory
t=$(measure triage "$bin" triage --json "$file")
grep -q "\"events\": $events" "$work/out" || { echo "triage did not read $events events" >&2; exit 1; }
d=$(measure triage-dev "$dev" triage --json "$file")
grep -q "\"events\": $events" "$work/out" || { echo "triage (development build) did not read $events events" >&2; exit 1; }
p=$(measure parse "$bin" bench parse "$file")
x=$(measure xmlreader "$bin" bench xmlreader "$file")
g=$(measure grep grep -c '<EventID' "$file")
o=$(measure one "$bin" triage --json "$work/one.xml")
grep -q '"events": 1' "$work/out" || { echo "triage of the first event did not read it" >&2; exit 1; }
od=$(measure one-dev "$dev" triage --json "$work/one.xml")

row() { # label wall user peak
  awk -v l="$1" -v w="$2" -v u="$3" -v p="$4" -v n="$events" -v b="$bytes" 'BEGIN {
    cpu = (u > 0 ? u : w); printf "| %s | %.2f | %.2f | %.0f | %.0f | %.1f | %.0f |\n", l, w, u, n / w, n / cpu, b / 1048576 / w, p / 1024 }'
}
machine="$(uname -sm), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GB RAM, load average $(cut -d' ' -f1-3 /proc/loadavg), .NET $(dotnet --version)"
section="$work/section.md"
{
  echo "<!-- signals-bench:start -->"
  echo "## Signals: triage throughput"
  echo
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) by \`scripts/bench.sh $events $servers $seed\` on one generated file"
  echo "(\`imapauto generate --events $events --servers $servers --seed $seed\`, $((bytes / 1048576)) MiB), each pass pinned to one core."
  echo "Machine: $machine."
  echo
  echo "| pass | wall s | user s | events/s (wall) | events/s (CPU) | MB/s (wall) | peak MiB |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  row "\`imapauto triage --json FILE\` (native build, as shipped)" $(echo "$t" | cut -d' ' -f2-)
  row "\`imapauto triage --json FILE\` (development build, JIT)" $(echo "$d" | cut -d' ' -f2-)
  row "\`imapauto bench parse FILE\` (signal parser only)" $(echo "$p" | cut -d' ' -f2-)
  row "\`imapauto bench xmlreader FILE\` (XmlReader: Computer, Provider, EventID)" $(echo "$x" | cut -d' ' -f2-)
  row "\`grep -c '<EventID' FILE\`" $(echo "$g" | cut -d' ' -f2-)
  echo
  echo "Native build: \`scripts/publish-native.sh\` (ahead-of-time compiled, one file); development build: \`dotnet build -c Release\`."
  fixed() { # label triage-line one-line
    echo "$2 $3" | awk -v n="$events" -v l="$1" '{ fixed = $7; per = $3 - fixed; printf "%s: fixed cost of a run (the first event alone: start, compiling, report) %.2f s of CPU; after it, %.2f s for %d events, %.0f events/s (%.2f us per event).\n", l, fixed, per, n, n / per, per * 1e6 / n }'
  }
  fixed "Native build" "$t" "$o"
  echo
  fixed "Development build" "$d" "$od"
  echo
  echo "Targets (issue 3): at least 1,000,000 events/s on one core, within 10x of grep, peak memory under 200 MB and flat in input size."
  echo "The machine is shared: wall figures include waiting for the CPU, the CPU column does not."
  echo "<!-- signals-bench:end -->"
} >"$section"

doc="$root/docs/benchmarks.md"
[ -f "$doc" ] || printf '# Benchmarks\n\nFigures written by the benchmark commands in `scripts/`; each section says how it was measured.\n\n' >"$doc"
if grep -q '<!-- signals-bench:start -->' "$doc"; then
  awk -v f="$section" '/<!-- signals-bench:start -->/ { while ((getline l < f) > 0) print l; skip = 1; next }
    /<!-- signals-bench:end -->/ { skip = 0; next } !skip' "$doc" >"$work/doc" && cp "$work/doc" "$doc"
else
  { echo; cat "$section"; } >>"$doc"
fi
cat "$section"
