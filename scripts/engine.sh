#!/usr/bin/env bash
# Bring up what brink needs on this host: Bun and a Docker engine.
# - A no-op where `bun` runs and `docker info` answers.
# - On Linux as root: installs Bun from the npm registry (npm install -g bun) and Debian's
#   docker.io, then starts dockerd WITHOUT a bridge network (brink's containers use
#   network "none"), and waits until the engine answers.
# - Elsewhere: says what to install instead and exits 3.
# Usage: scripts/engine.sh [--no-bun] [--no-engine]
set -euo pipefail

BUN_VERSION="${BRINK_BUN_VERSION:-1.4.5}"
want_bun=1 want_engine=1
for a in "$@"; do
  case "$a" in
    --no-bun) want_bun=0 ;;
    --no-engine) want_engine=0 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "engine.sh: unknown option '$a' (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf 'engine.sh: %s\n' "$*" >&2; }
is_root() { [ "$(id -u)" = 0 ]; }
apt_ready=0
apt_install() {
  if [ "$apt_ready" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null; apt_ready=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_bun() {
  command -v bun >/dev/null 2>&1 && return 0
  if command -v npm >/dev/null 2>&1; then
    say "installing Bun $BUN_VERSION with npm"
    npm install -g --silent "bun@$BUN_VERSION" >/dev/null
    command -v bun >/dev/null 2>&1 && return 0
  fi
  say "Bun is missing: install it (npm install -g bun@$BUN_VERSION) and run again"
  exit 3
}

engine_answers() { command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; }

ensure_engine() {
  engine_answers && return 0
  if [ -n "${DOCKER_HOST:-}" ]; then
    say "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine or unset DOCKER_HOST"
    exit 3
  fi
  if [ "$(uname -s)" != Linux ] || ! is_root || ! command -v apt-get >/dev/null 2>&1; then
    say "no Docker engine answers. Install and start one: Docker Desktop (macOS/Windows),"
    say "Docker Engine or Podman (podman system service; set DOCKER_HOST) on Linux."
    exit 3
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    say "installing Debian's docker.io"
    apt_install docker.io
  fi
  say "starting dockerd (no bridge network)"
  mkdir -p /var/log
  nohup dockerd --bridge=none --iptables=false --ip-masq=false >/var/log/brink-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    engine_answers && { say "engine is up"; return 0; }
    sleep 1
  done
  say "dockerd did not answer within 60s; see /var/log/brink-dockerd.log"
  exit 3
}

[ "$want_bun" = 1 ] && ensure_bun
[ "$want_engine" = 1 ] && ensure_engine
# strace and tmux serve `brink sweep` and the wizard test; install where we can, never fail on them.
if is_root && command -v apt-get >/dev/null 2>&1; then
  missing=()
  command -v strace >/dev/null 2>&1 || missing+=(strace)
  command -v tmux >/dev/null 2>&1 || missing+=(tmux)
  [ "${#missing[@]}" -gt 0 ] && { say "installing ${missing[*]}"; apt_install "${missing[@]}" || say "could not install ${missing[*]}"; }
fi
exit 0
