#!/usr/bin/env bash
# Instructions per line of the notebook's programs run as code, counted by
# valgrind's callgrind: deterministic, unlike time on a shared machine, so two
# builds compare even while other work runs. Runs the ignored measurement
# `crates/playground/tests/throughput.rs` (in the suite binary; bench profile, symbols kept) twice
# per case, with 2 and with 4 batches of THROUGHPUT_LINES (default 100 000)
# generated lines: the difference is two batches (push_lines + run_batch),
# free of the job's build and the lines' generation. Prints the figures for
# `notebook_stateless` and for the three programs (one job each, as the page
# runs them); keeps callgrind's files in CALLGRIND_OUT (default
# /tmp/callgrind-programs) for `callgrind_annotate`.
#
# With example names as arguments (the examples menu's, e.g.
# `structured_per_trigger_counts`), measures each of them alone instead.
#
#   scripts/callgrind-programs.sh            # needs valgrind
#   scripts/callgrind-programs.sh notebook_stateless structured_running_complete
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${THROUGHPUT_LINES:-100000}
out=${CALLGRIND_OUT:-/tmp/callgrind-programs}
mkdir -p "$out"

# Symbols kept so that callgrind_annotate names the functions.
bin=$(CARGO_PROFILE_BENCH_STRIP=false cargo test --profile bench -p dstream-playground \
    --test suite --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p')
[ -x "$bin" ] || { echo "the throughput test did not build" >&2; exit 1; }

# Instructions of one run: $1 rounds (batches after the first), $2 a file name, rest: env.
collected() {
    local rounds=$1 name=$2
    shift 2
    env THROUGHPUT_LINES="$lines" THROUGHPUT_ROUNDS="$rounds" "$@" \
        valgrind --tool=callgrind --callgrind-out-file="$out/$name-$rounds.out" \
        "$bin" --ignored --nocapture throughput::notebook_programs_batch_cpu_time 2>&1 |
        sed -n 's/.*Collected : //p'
}

if [ $# -gt 0 ]; then
    for name in "$@"; do
        one=$(collected 1 "$name" THROUGHPUT_PROGRAM="$name")
        three=$(collected 3 "$name" THROUGHPUT_PROGRAM="$name")
        echo "$name: $(((three - one) / (2 * lines))) instructions per line"
    done
    echo "callgrind files: $out"
    exit 0
fi

s1=$(collected 1 stateless THROUGHPUT_STATELESS_ONLY=1)
s3=$(collected 3 stateless THROUGHPUT_STATELESS_ONLY=1)
a1=$(collected 1 all)
a3=$(collected 3 all)
# The full runs measure the stateless program first, then the three: take the first out.
stateless=$((s3 - s1))
three=$((a3 - a1 - stateless))
echo "notebook_stateless: $((stateless / (2 * lines))) instructions per line"
echo "the three programs: $((three / (2 * lines))) instructions per line"
echo "callgrind files: $out"
