# Task runner for the authors service. `npx just` runs it with no system
# install (the rust-just package ships the binary); `just --list` lists recipes.

export PATH := justfile_directory() / "node_modules/.bin:" + env_var('PATH')

# One compose project name, whatever the folder of the clone is called.
export COMPOSE_PROJECT_NAME := env_var_or_default("COMPOSE_PROJECT_NAME", "authors-service")

# List the recipes.
default:
    @just --list

# Without DATABASE_URL, dev uses the dev stack's Postgres (compose.dev.yaml)
# when Docker works, else embedded Postgres; it prints which. It rebuilds
# either from schema.sql when that file changes, but never a DATABASE_URL
# database (scripts/dev.ts).

# Run the service, regenerating types and reloading on every save.
dev:
    #!/usr/bin/env bash
    set -euo pipefail
    # Pretty logs for a person at a terminal, JSON lines otherwise.
    if [ -t 1 ]; then export LOG_PRETTY="${LOG_PRETTY:-true}"; fi
    if [ -z "${DATABASE_URL:-}" ] && ! grep -qs '^DATABASE_URL=.' .env; then
      if docker info >/dev/null 2>&1 && just _dev-postgres; then
        password=$(grep -s '^POSTGRES_PASSWORD=' .env | cut -d= -f2-)
        export DATABASE_URL="postgres://postgres:${password}@127.0.0.1:5432/postgres"
        export DEV_DATABASE_MANAGED=true
        echo "just dev: using the dev stack's Postgres on 127.0.0.1:5432 (compose.dev.yaml)"
      else
        echo "just dev: Docker is not available; using embedded Postgres in ${EMBEDDED_POSTGRES_DIR:-.data/postgres}"
      fi
    fi
    exec tsx scripts/dev.ts

# Regenerate generated/ from queries/ and schema.sql; `just gen --check` only names stale files.
gen *args:
    tsx scripts/gen.ts {{args}}

# Run the test suite against a real Postgres; extra arguments go to tap.
test *args:
    tsx test/run.ts {{args}}

# Write openapi.json from the routes; `just openapi --check` fails when it is stale.
openapi *args:
    tsx scripts/openapi.ts {{args}}

# Run every check CI runs, quickest answers first (scripts/check.sh).
check:
    bash scripts/check.sh

# Type-check the source, tests and scripts.
typecheck:
    tsc -p tsconfig.json

# Lint TypeScript with ESLint and SQL with scripts/lint-sql.ts, and fail if either finds a problem.
lint:
    #!/usr/bin/env bash
    set -uo pipefail
    status=0
    eslint . || status=1
    tsx scripts/lint-sql.ts || status=1
    exit "$status"

# Compile to dist/.
build:
    tsc -p tsconfig.build.json

# Run the compiled service from dist/.
start: build
    exec node dist/src/server.js

# Build and start the production-like stack (compose.yaml) in containers.
up: (_compose "up" "-d" "--build")
    @echo "The API is on http://127.0.0.1:${API_PORT:-8080} (just logs to follow it)."

# Stop and remove the containers; the database volume and its data stay.
down: (_compose "down")

# Stop the stack and delete its database volume: the only recipe that deletes the stack's data.
reset: (_compose "down" "-v" "--remove-orphans")

# Follow the containers' logs; arguments go to compose logs (e.g. `just logs api`).
logs *args: (_compose "logs" "-f" "--tail=100" args)

# Build the production image and print its size. NODE_IMAGE and BUILD_IMAGE override its bases.
image tag="authors-service:local":
    #!/usr/bin/env bash
    set -euo pipefail
    args=()
    if [ -n "${NODE_IMAGE:-}" ]; then args+=(--build-arg "NODE_IMAGE=$NODE_IMAGE"); fi
    if [ -n "${BUILD_IMAGE:-}" ]; then args+=(--build-arg "BUILD_IMAGE=$BUILD_IMAGE"); fi
    docker build -f docker/Dockerfile ${args[@]+"${args[@]}"} -t "{{tag}}" .
    docker image ls "{{tag}}"

# Runs compose (v2 when present, else v1) with POSTGRES_PASSWORD set: from the
# environment, else from .env, else a new random one written to .env, which is
# git-ignored.
_compose *args:
    #!/usr/bin/env bash
    set -euo pipefail
    if [ -z "${POSTGRES_PASSWORD:-}" ] && ! grep -qs '^POSTGRES_PASSWORD=.' .env; then
      if [ -s .env ] && [ -n "$(tail -c1 .env)" ]; then echo >> .env; fi
      echo "POSTGRES_PASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >> .env
      chmod 600 .env
      echo "wrote a random POSTGRES_PASSWORD to .env"
    fi
    if docker compose version >/dev/null 2>&1; then
      exec docker compose {{args}}
    fi
    exec docker-compose {{args}}

# Starts the dev stack's Postgres and waits up to 60 s for it to accept connections.
_dev-postgres:
    #!/usr/bin/env bash
    set -euo pipefail
    just _compose -f compose.yaml -f compose.dev.yaml up -d postgres
    for _ in $(seq 1 60); do
      id=$(just _compose -f compose.yaml -f compose.dev.yaml ps -q postgres)
      if [ -n "$id" ] && docker exec "$id" pg_isready -q -h 127.0.0.1 -U postgres; then exit 0; fi
      sleep 1
    done
    echo "the dev stack's Postgres did not become ready within 60 s" >&2
    exit 1

# Measure each scenario against its database and HTTP ceilings; `just bench --smoke` is the quick check CI runs.
bench *args:
    tsx bench/run.ts {{args}}
