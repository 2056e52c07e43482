#!/usr/bin/env bash
# Bring up what brink needs on this host: Bun and a Docker engine.
# - A no-op where `bun` runs and `docker info` answers.
# - On Linux as root: installs Bun from the npm registry (npm install -g bun) and Debian's
#   docker.io, then starts dockerd WITHOUT a bridge network (brink's containers use
#   network "none"), and waits until the engine answers.
# - Elsewhere: says what to install instead and exits 3.
# - --podman: also Podman's Docker-compatible socket (Debian's podman and catatonit, which
#   Podman needs for brink's Init: true), at unix:///run/podman/podman.sock as root, else
#   $XDG_RUNTIME_DIR/podman/podman.sock; use it with DOCKER_HOST=unix://<that socket>.
# Usage: scripts/engine.sh [--no-bun] [--no-engine] [--podman]
set -euo pipefail

BUN_VERSION="${BRINK_BUN_VERSION:-1.4.5}"
want_bun=1 want_engine=1 want_podman=0
for a in "$@"; do
  case "$a" in
    --no-bun) want_bun=0 ;;
    --no-engine) want_engine=0 ;;
    --podman) want_podman=1 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
  engine_answers && { say "engine is up (already running)"; return 0; }
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
  # From /: a daemon must not keep the caller's folder as its working directory (a CI
  # checkout that is removed later breaks it: conmon fails "to get working directory").
  (cd / && nohup dockerd --bridge=none --iptables=false --ip-masq=false >/var/log/brink-dockerd.log 2>&1 &)
  for _ in $(seq 1 60); do
    engine_answers && { say "engine is up"; return 0; }
    sleep 1
  done
  say "dockerd did not answer within 60s; see /var/log/brink-dockerd.log"
  exit 3
}

podman_socket() {
  if is_root; then echo /run/podman/podman.sock; else echo "${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/podman/podman.sock"; fi
}
podman_answers() {
  local sock; sock=$(podman_socket)
  [ -S "$sock" ] && command -v podman >/dev/null 2>&1 &&
    timeout 10 podman --remote --url "unix://$sock" version >/dev/null 2>&1
}

ensure_podman() {
  local sock; sock=$(podman_socket)
  if ! podman_answers; then
    if ! command -v podman >/dev/null 2>&1 || { ! command -v catatonit >/dev/null 2>&1 && [ ! -x /usr/libexec/podman/catatonit ]; }; then
      if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
        say "Podman (and catatonit, for brink's Init: true) are missing: install them, then run again"
        exit 3
      fi
      say "installing Debian's podman and catatonit"
      apt_install podman catatonit
    fi
    say "starting podman system service at unix://$sock"
    mkdir -p "$(dirname "$sock")"
    local log=/var/log/brink-podman.log
    is_root || log="${TMPDIR:-/tmp}/brink-podman.log"
    (cd / && nohup podman system service --time=0 "unix://$sock" >"$log" 2>&1 &)
    for _ in $(seq 1 30); do
      podman_answers && break
      sleep 1
    done
    podman_answers || { say "Podman did not answer within 30s; see $log"; exit 3; }
  fi
  say "Podman answers: DOCKER_HOST=unix://$sock"
}

[ "$want_bun" = 1 ] && ensure_bun
[ "$want_engine" = 1 ] && ensure_engine
[ "$want_podman" = 1 ] && ensure_podman
# strace and tmux serve `brink sweep` and the wizard test; install where we can, never fail on them.
if is_root && command -v apt-get >/dev/null 2>&1; then
  missing=()
  command -v strace >/dev/null 2>&1 || missing+=(strace)
  command -v tmux >/dev/null 2>&1 || missing+=(tmux)
  [ "${#missing[@]}" -gt 0 ] && { say "installing ${missing[*]}"; apt_install "${missing[@]}" || say "could not install ${missing[*]}"; }
fi
exit 0
