#!/usr/bin/env bash
# The project's one test command: bootstrap the real parts, run every test project, and close with
# `tests: N passed, N failed, N skipped` summed from the TRX files the run wrote.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/bootstrap.sh || { echo "bootstrap failed" >&2; echo "tests: 0 passed, 1 failed"; exit 1; }

# The Functions SDK restores a generated net8.0 extensions project that imports none of the repository's props;
# an environment variable is the only way to tell it that NU1603 (a next-higher version taken) is expected here.
export NoWarn="NU1603"

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet build ImapAutomation.sln -c Release --nologo -v quiet -clp:ErrorsOnly
build_rc=$?
if [ $build_rc -ne 0 ]; then
  echo "build failed" >&2
  echo "tests: 0 passed, 1 failed"
  exit $build_rc
fi

# The native imapauto, published once for the tests that hold it to the development build's results.
native="$(bash scripts/publish-native.sh "$root/artifacts/native")"
native_rc=$?
if [ $native_rc -ne 0 ]; then
  echo "native publish failed" >&2
  echo "tests: 0 passed, 1 failed"
  exit $native_rc
fi
export IMAPAUTO_NATIVE="$native"

dotnet test ImapAutomation.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@"
test_rc=$?

sum() { # $1 = counter attribute name in <Counters .../>
  local total=0 n
  for f in "$results"/*.trx; do
    [ -f "$f" ] || continue
    n=$(grep -o "<Counters [^>]*" "$f" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]\+' | head -n1)
    total=$((total + ${n:-0}))
  done
  echo "$total"
}
passed=$(sum passed)
failed=$(sum failed)
executed=$(sum executed)
total=$(sum total)
skipped=$((total - executed))
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the runner failed outside any test (a crashed host, a missing project): never report green
fi
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit $test_rc
