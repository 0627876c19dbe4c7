#!/bin/sh
# Runs the performance benchmarks of issue 6 and prints a table of every
# target against its threshold: throughput, scheduling efficiency, memory,
# latency fidelity, the store, rate limits and backing off. Builds llmbench
# and the benchmark program first. Takes about two minutes; run it on an
# otherwise idle machine. Arguments are passed on, e.g.:
#
#   bench/run_benchmarks.sh -only throughput,memory
#   bench/run_benchmarks.sh -scale 0.1          # a quick try
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/llmbench" ./cmd/llmbench
go build -o "$tmp/benchmarks" ./bench/cmd/benchmarks
"$tmp/benchmarks" -llmbench "$tmp/llmbench" "$@"
