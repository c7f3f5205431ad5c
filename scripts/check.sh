#!/usr/bin/env bash
# `just check`: everything CI checks, quickest results first:
#   1. generated/ matches queries/ and schema.sql (just gen --check)
#   2. openapi.json matches the routes (just openapi --check)
#   3. type check (just typecheck)
#   4. lint, TypeScript and SQL (just lint)
#   5. the test suite (npm test)
#   6. the date and type mapping tests again far east (UTC+14) and far
#      west (UTC-12) of UTC
#   7. the benchmark harness in smoke mode (just bench --smoke)
#   8. the container checks (test/containers/check.sh), which install and
#      start Docker when they can and skip themselves when they cannot
# Every step runs even after one fails, so one run reports every problem.
# Exits 1 when any step failed, naming each.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

failed=()

step () {
  local name=$1
  shift
  echo "::: $name"
  local started=$SECONDS
  if "$@"; then
    echo "::: ok: $name ($((SECONDS - started)) s)"
  else
    echo "::: FAILED: $name ($((SECONDS - started)) s)"
    failed+=("$name")
  fi
}

step "generated code is up to date" just gen --check
step "openapi.json is up to date" just openapi --check
step "type check" just typecheck
step "lint" just lint
step "tests (npm test)" npm test
for zone in Pacific/Kiritimati Etc/GMT+12; do
  step "date and type tests under TZ=$zone" env TZ="$zone" npm test -- test/routes/books-dates.test.ts test/db/types.test.ts
done
step "benchmark smoke run" just bench --smoke
step "container checks" bash test/containers/check.sh

if [ "${#failed[@]}" -gt 0 ]; then
  echo "::: just check: ${#failed[@]} step(s) failed:"
  printf ':::   %s\n' "${failed[@]}"
  exit 1
fi
echo "::: just check: every step passed"
