#!/bin/sh
# The long fuzzing run: every Fuzz target of the project, one after the
# other, for SECONDS each (default 60), starting from its seeds (the
# short version runs in `make test`, where each target's seeds are run as
# ordinary tests). New crashers are written by `go test` under the
# package's testdata/fuzz/FuzzX/ (commit them with the fix they need).
#
#   scripts/fuzz.sh [SECONDS] [PATTERN]
#
# PATTERN (a grep -E expression) narrows the targets, e.g. Pipeline.
# The fuzzer minimises each new interesting input for at most one run
# (-fuzzminimizetime 1x): FuzzPipeline's runs are whole playbacks, and
# minimising them by the default 60 s each would stall the search.
# Prints one line per target: result (ok, FAILED, or flake: the Go
# toolchain's deadline race, see below), inputs tried, new interesting
# inputs.
set -eu
cd "$(dirname "$0")/.."
command -v go >/dev/null 2>&1 || PATH=$PATH:/usr/local/go/bin
secs=${1:-60}
pattern=${2:-.}
status=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for loc in $(grep -rl --include='*_test.go' '^func Fuzz' . | sort); do
  pkg="./$(dirname "${loc#./}")"
  for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$loc"); do
    echo "$pkg $target" | grep -Eq -- "$pattern" || continue
    corpus="$pkg/testdata/fuzz/$target"
    before=$(ls "$corpus" 2>/dev/null | wc -l)
    if go test -run '^$' -fuzz "^$target\$" -fuzztime "${secs}s" -fuzzminimizetime 1x "$pkg" >"$out" 2>&1; then
      result=ok
    elif grep -q '^    context deadline exceeded$' "$out" && [ "$(ls "$corpus" 2>/dev/null | wc -l)" -eq "$before" ]; then
      # Go 1.26's fuzzing coordinator can report its own -fuzztime
      # deadline as a failure, with no input written (golang/go#75804,
      # fixed in Go 1.27): not a finding.
      result=flake
    else
      result=FAILED
      status=1
    fi
    # The last progress line holds the totals.
    last=$(grep 'execs:' "$out" | tail -n 1 | sed -e 's/^fuzz: elapsed: [^,]*, execs: \([0-9]*\) ([0-9]*\/sec), new interesting: \([0-9]*\).*/\1 inputs, \2 new interesting/')
    printf '%-36s %-22s %-6s %s\n' "$pkg" "$target" "$result" "$last"
    if [ "$result" = FAILED ]; then
      grep -v '^fuzz: elapsed' "$out" | head -n 40
    fi
  done
done
exit $status
