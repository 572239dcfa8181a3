#!/usr/bin/env bash
# libFuzzer targets for every WSLab parser (Fuzz/, see Fuzz/README.md), built with
# `-sanitize=fuzzer,address` and run one after the other:
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 60 s per target, every target
#
# Each target starts from its checked-in seeds (Fuzz/Corpus/TARGET: RFC vectors, real clients'
# handshakes) plus the corpus earlier runs grew (.build-fuzz/corpus/TARGET, git-ignored). A crash
# or a broken invariant stops that target; the input is saved as .build-fuzz/crashes/TARGET-*
# (reproduce: .build-fuzz/release/TARGET FILE). Prints one ok / not ok line per target with its
# executions, and ends with `N passed, N failed`.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SWIFT="${SWIFT:-swift}"
SECONDS_PER_TARGET="${1:-60}"
shift || true
ALL=(FuzzFrameDecoder FuzzServerHandshake FuzzClientHandshake FuzzExtensions FuzzInflate FuzzConnection
  FuzzDeflateDissector FuzzDecode)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
SCRATCH="$ROOT/.build-fuzz"
passed=0
failed=0

cd "$ROOT"
mkdir -p "$SCRATCH/crashes" "$SCRATCH/logs"
build_flags=(--scratch-path "$SCRATCH" -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
built=()
for target in "${TARGETS[@]}"; do
  echo "# building $target"
  if WSLAB_FUZZ=1 "$SWIFT" build "${build_flags[@]}" --product "$target" >"$SCRATCH/logs/build-$target.log" 2>&1; then
    built+=("$target")
  else
    echo "not ok - fuzz $target: build failed: $(grep -m3 'error:' "$SCRATCH/logs/build-$target.log" | tr '\n' ' ')"
    failed=$((failed + 1))
  fi
done
bin="$(WSLAB_FUZZ=1 "$SWIFT" build "${build_flags[@]}" --show-bin-path 2>/dev/null | tail -1)"

# Only what was just built: a target whose build failed must not fuzz an older binary.
for target in "${built[@]}"; do
  [ -x "$bin/$target" ] || continue
  corpus="$SCRATCH/corpus/$target"
  seeds="$ROOT/Fuzz/Corpus/$target"
  mkdir -p "$corpus"
  log="$SCRATCH/logs/$target.log"
  echo "# fuzzing $target for $SECONDS_PER_TARGET s (seeds: Fuzz/Corpus/$target, $(ls "$seeds" 2>/dev/null | wc -l) files)"
  # -rss_limit_mb: the targets' limits keep memory small; more than 2 GiB is a bug.
  timeout -k 10 $((SECONDS_PER_TARGET + 120)) "$bin/$target" "$corpus" "$seeds" \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -max_len=16384 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$SCRATCH/crashes/$target-" >"$log" 2>&1 </dev/null
  status=$?
  execs="$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1)"
  rate="$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$log" | tail -1)"
  size="$(ls "$corpus" | wc -l)"
  if [ "$status" -eq 0 ] && [ -n "$execs" ]; then
    passed=$((passed + 1))
    echo "ok - fuzz $target: $execs executions ($rate/s), 0 crashes, corpus $size inputs"
  else
    failed=$((failed + 1))
    artifact="$(grep -oE "Test unit written to [^ ]+" "$log" | tail -1 | sed 's/Test unit written to //')"
    why="$(grep -m1 -E 'invariant broken|ERROR: AddressSanitizer|Fatal error|ERROR: libFuzzer' "$log" | cut -c1-400)"
    echo "not ok - fuzz $target (status $status): ${why:-see $log}${artifact:+; input: $artifact}"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
