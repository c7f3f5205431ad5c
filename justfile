# Task runner for the authors service. `npx just` runs it with no system
# install (the rust-just package ships the binary); `just --list` lists recipes.

export PATH := justfile_directory() / "node_modules/.bin:" + env_var('PATH')

# List the recipes.
default:
    @just --list

# Run the service with hot reload; embedded Postgres unless DATABASE_URL is set.
dev:
    #!/usr/bin/env bash
    set -euo pipefail
    # Pretty logs for a person at a terminal, JSON lines otherwise.
    if [ -t 1 ]; then export LOG_PRETTY="${LOG_PRETTY:-true}"; fi
    exec tsx watch --clear-screen=false src/server.ts

# Regenerate generated/ from queries/ and schema.sql.
gen:
    tsx scripts/gen.ts

# Run the test suite against a real Postgres; extra arguments go to tap.
test *args:
    tsx test/run.ts {{args}}

# Type-check the source, tests and scripts.
typecheck:
    tsc -p tsconfig.json

# Compile to dist/.
build:
    tsc -p tsconfig.build.json

# Run the compiled service from dist/.
start: build
    exec node dist/src/server.js
