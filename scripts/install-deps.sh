#!/usr/bin/env bash
# Installs the Debian packages Sluice needs to build, run and test.
# Idempotent: when everything is already installed it does nothing.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config clang libclang-rt-14-dev
  # libraries
  libmicrohttpd-dev libjansson-dev libltdl-dev default-libmysqlclient-dev
  libcunit1-dev librdkafka-dev libjemalloc-dev
  # tests: real clients and servers
  kcat python3-kafka python3-confluent-kafka mariadb-server curl openssl wrk
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
