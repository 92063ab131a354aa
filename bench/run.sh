#!/usr/bin/env bash
# Builds the benchmarks (Release, own artifacts path), starts a throwaway PostgreSQL 15 (.ci/postgres.sh), runs every
# benchmark against it and tees the tables to stdout and to $BENCH_OUTPUT (default /tmp/pipelines-bench-results.md). Extra arguments go to the benchmark
# (e.g. bench/run.sh --trace, bench/run.sh data --flights /path/to/flights-3m.parquet).
set -euo pipefail
cd "$(dirname "$0")/.."
artifacts="${BENCH_ARTIFACTS:-/tmp/build-bench}"
dotnet build bench/Pipelines.Bench -c Release --artifacts-path "$artifacts" -warnaserror -nologo -v quiet

verb=all
if [ $# -gt 0 ] && [[ "$1" != --* ]]; then verb="$1"; shift; fi

# shellcheck source=/dev/null
source .ci/postgres.sh start
set +e
trap '.ci/postgres.sh stop "$PG_DATA_DIR"' EXIT

dotnet "$artifacts/bin/Pipelines.Bench/release/Pipelines.Bench.dll" "$verb" --postgres "$PIPELINES_TEST_POSTGRES" "$@" | tee "${BENCH_OUTPUT:-/tmp/pipelines-bench-results.md}"
exit "${PIPESTATUS[0]}"
