# Sourced by the CLI test scripts: a scratch folder $work removed on exit, and fail(),
# which reports a failed check and counts it in $failures (the script exits non-zero at
# its end when any failed).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
