#!/usr/bin/env bash
# The steps of brink's GitHub Action (action.yml), runnable anywhere: install the project,
# make sure brink is installed, run it with the inputs, and say where the reports are.
# Inputs come as environment variables (empty means brink's default):
#   BRINK_CATEGORIES (oom,disk,...)  BRINK_SUITE (file[,file])  BRINK_PROJECT (.)
#   BRINK_MEMORY BRINK_DISK BRINK_STACK BRINK_NOFILE BRINK_PIDS BRINK_CPUS
#   BRINK_VERSION (for a project without @brink/cli; latest)  BRINK_INSTALL (true)
#   BRINK_REPORTS (reports/brink)  BRINK_ARTIFACT (brink-<categories>)
# Writes json, junit, markdown, reports, artifact and exit-code to $GITHUB_OUTPUT when set;
# brink itself appends its Markdown table to $GITHUB_STEP_SUMMARY. Exits with brink's code.
set -euo pipefail

say() { printf 'brink-action: %s\n' "$*" >&2; }
cd "${BRINK_PROJECT:-.}"

if [ "${BRINK_INSTALL:-true}" = true ] && [ -f package.json ]; then
  if [ -f bun.lock ] || [ -f bun.lockb ]; then
    say "bun install --frozen-lockfile"
    bun install --frozen-lockfile
  else
    say "bun install"
    bun install
  fi
fi

if [ ! -e node_modules/.bin/brink ]; then
  spec="@brink/cli@${BRINK_VERSION:-latest}"
  say "the project has no brink: bun add --dev $spec"
  [ -f package.json ] || echo '{ "private": true }' >package.json
  bun add --dev "$spec"
fi

categories="${BRINK_CATEGORIES:-}"
slug="${categories//,/-}"
reports="${BRINK_REPORTS:-reports/brink}"
base="$reports/brink-${slug:-all}"
args=(run --json "$base.json" --junit "$base.xml" --markdown "$base.md")
if [ -n "$categories" ]; then args+=(--category "$categories"); fi
if [ -n "${BRINK_SUITE:-}" ]; then
  IFS=, read -ra suites <<<"$BRINK_SUITE"
  for s in "${suites[@]}"; do args+=(--suite "$s"); done
fi
for limit in memory disk stack nofile pids cpus; do
  var="BRINK_${limit^^}"
  if [ -n "${!var:-}" ]; then args+=("--$limit" "${!var}"); fi
done

say "brink ${args[*]}"
code=0
node_modules/.bin/brink "${args[@]}" || code=$?

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "json=$PWD/$base.json"
    echo "junit=$PWD/$base.xml"
    echo "markdown=$PWD/$base.md"
    echo "reports=$PWD/$reports"
    echo "artifact=${BRINK_ARTIFACT:-brink-${slug:-all}}"
    echo "exit-code=$code"
  } >>"$GITHUB_OUTPUT"
fi
exit "$code"
