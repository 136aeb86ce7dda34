#!/usr/bin/env bash
# Fuzz smoke test: runs every cargo-fuzz target under fuzz/ for N seconds each.
#
#   scripts/fuzz-smoke.sh [SECONDS]      # default 20 (or $FUZZ_SECONDS)
#
# Needs the nightly toolchain (cargo-fuzz's instrumentation). Installs
# cargo-fuzz from crates.io if it is missing. Exits non-zero if a target fails
# to build or libFuzzer finds a crash; crashing inputs land in
# fuzz/artifacts/<target>/.
set -euo pipefail

secs="${1:-${FUZZ_SECONDS:-20}}"
case "$secs" in
  ''|*[!0-9]*) echo "fuzz-smoke: seconds must be a whole number, got '$secs'" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/fuzz"

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz-smoke: the nightly toolchain is required (rustup toolchain install nightly)" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz-smoke: installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

targets="$(cargo +nightly fuzz list)"
if [ -z "$targets" ]; then
  echo "fuzz-smoke: no fuzz targets found under fuzz/" >&2
  exit 1
fi

summary=()
for t in $targets; do
  mkdir -p "corpus/$t"
  dirs=("corpus/$t")
  [ -d "seeds/$t" ] && dirs+=("seeds/$t")
  log="$(mktemp)"
  echo "fuzz-smoke: $t for ${secs}s"
  status=0
  # No sanitizer: every crate of ours the targets reach is `#![forbid(unsafe_code)]`, so
  # AddressSanitizer has no memory error of ours to find, while it slows the build and each run
  # (the dependencies' unsafe code is fuzzed by their own projects); a panic or a failed
  # differential assertion is a crash either way.
  cargo +nightly fuzz run --sanitizer none "$t" "${dirs[@]}" -- \
    -max_total_time="$secs" -print_final_stats=1 >"$log" 2>&1 || status=$?
  tail -n 25 "$log"
  runs="$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n1 || true)"
  cov="$(grep -Eo 'DONE +cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[^ ]+' "$log" | tail -n1 | sed 's/DONE *//' || true)"
  rm -f "$log"
  if [ "$status" -ne 0 ]; then
    echo "fuzz-smoke: $t FAILED (exit $status); see fuzz/artifacts/$t/" >&2
    exit "$status"
  fi
  summary+=("$t: ${runs:-finished}${cov:+ ($cov)}, no crash")
done

echo "fuzz-smoke summary:"
printf '  %s\n' "${summary[@]}"
