#!/usr/bin/env bash
# The offline checks of this repository, for a workstation or any CI: bicep build and bicep lint of
# each environment's Bicep entry point (infra/main.bicep, or infra/<environment>.bicep once there are
# several; every linter rule is an error in infra/bicepconfig.json), bicep build-params of each
# infra/*.bicepparam (when the environment variables it reads are set, as in the pipeline), and
# kubectl kustomize of each part of each k8s/overlays/<environment>. They are the checks
# `create-secure-aks --validate` runs after generating; the pipeline's Validate stage runs this
# script. One line per check as it finishes. Needs no Azure sign-in and writes no file.
#
# Exit codes: 0 every check that ran passed (skipped ones say why), 1 a check found an error,
# 2 wrong usage or a missing tool, 3 a check did not finish within --timeout (not an error found).
set -euo pipefail

timeout_seconds=0

usage() {
  cat <<'USAGE'
Usage: scripts/validate.sh [--timeout SECONDS]

Checks infra/ and k8s/ offline: bicep build and lint of infra/main.bicep, bicep build-params of each
parameter file, kubectl kustomize of each overlay's parts.

Options:
  --timeout SECONDS  stop a check that runs longer than this (needs the timeout command); a check
                     stopped this way is reported as slow, not as an error (default: no limit)
  -h, --help         show this help and exit

Tools: bicep from BICEP_PATH, else bicep on PATH, else ~/.azure/bin/bicep, else az bicep; kubectl
from KUBECTL_PATH, else kubectl on PATH. A parameter file is built only when every environment
variable it reads is set (see its comments).
USAGE
}

# fail CODE MESSAGE
fail() {
  printf 'validate: %s\n' "$2" >&2
  exit "$1"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --timeout)
      [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]{0,5}$ ]] || fail 2 '--timeout needs a number of seconds (see --help)'
      timeout_seconds=$2
      shift 2
      ;;
    --timeout=*)
      [[ "${1#*=}" =~ ^[1-9][0-9]{0,5}$ ]] || fail 2 '--timeout needs a number of seconds (see --help)'
      timeout_seconds=${1#*=}
      shift
      ;;
    -h | --help) usage; exit 0 ;;
    *) fail 2 "unknown argument: $1 (see --help)" ;;
  esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# The checks, in order: kind:target.
checks=()
shopt -s nullglob
# The Bicep entry points, one per environment.
entry_points=(infra/main.bicep)
roots=()
for file in "${entry_points[@]}"; do
  if [[ -f $file ]]; then roots+=("$file"); fi
done
if ((${#roots[@]})); then
  for file in "${roots[@]}"; do checks+=("build:$file" "lint:$file"); done
  for file in infra/*.bicepparam; do checks+=("params:$file"); done
fi
# Each overlay part by part (bounded builds; the whole overlay grows with the square of its objects),
# or as a whole where it has no parts.
for overlay in k8s/overlays/*/; do
  parts=("$overlay"parts/*/kustomization.yaml)
  if ((${#parts[@]} == 0)) && [[ -f ${overlay}kustomization.yaml ]]; then parts=("${overlay}kustomization.yaml"); fi
  for file in "${parts[@]}"; do checks+=("kustomize:${file%/kustomization.yaml}"); done
done
shopt -u nullglob
[[ ${#checks[@]} -gt 0 ]] || fail 2 "nothing to check in $root (no Bicep entry point, no k8s/overlays/*)"

bicep=()
if ((${#roots[@]})); then
  if [[ -n "${BICEP_PATH:-}" ]]; then
    [[ -x "$BICEP_PATH" ]] || fail 2 "BICEP_PATH $BICEP_PATH is not an executable file"
    bicep=("$BICEP_PATH")
  elif command -v bicep >/dev/null 2>&1; then
    bicep=(bicep)
  elif [[ -x "${HOME:-}/.azure/bin/bicep" ]]; then
    bicep=("$HOME/.azure/bin/bicep")
  elif command -v az >/dev/null 2>&1; then
    bicep=(az bicep)
  else
    fail 2 'bicep is not installed: az bicep install (or set BICEP_PATH)'
  fi
fi
kubectl=''
for check in "${checks[@]}"; do
  [[ "$check" == kustomize:* ]] || continue
  if [[ -n "${KUBECTL_PATH:-}" ]]; then
    [[ -x "$KUBECTL_PATH" ]] || fail 2 "KUBECTL_PATH $KUBECTL_PATH is not an executable file"
    kubectl=$KUBECTL_PATH
  elif command -v kubectl >/dev/null 2>&1; then
    kubectl=kubectl
  else
    fail 2 'kubectl is not installed: az aks install-cli (or set KUBECTL_PATH)'
  fi
  break
done
if [[ $timeout_seconds -gt 0 ]] && ! command -v timeout >/dev/null 2>&1; then
  fail 2 '--timeout needs the timeout command (GNU coreutils)'
fi

# The command line of a check, into the array `cmd`: the Bicep CLI standalone or through az.
cmd=()
command_of() {
  local kind=$1 target=$2 verb
  case "$kind" in
    build) verb=(build "$target" --stdout) ;;
    lint) verb=(lint "$target") ;;
    params) verb=(build-params "$target" --stdout) ;;
    kustomize) cmd=("$kubectl" kustomize "$target"); return ;;
  esac
  if [[ "${bicep[0]}" == az ]]; then
    cmd=(az bicep "${verb[0]}" --file "${verb[1]}" "${verb[@]:2}")
  else
    cmd=("${bicep[@]}" "${verb[@]}")
  fi
}

# What a check is called in the report (the words create-secure-aks --validate prints).
label_of() {
  case "$1" in
    build) printf 'bicep build %s' "$2" ;;
    lint) printf 'bicep lint %s' "$2" ;;
    params) printf 'bicep build-params %s' "$2" ;;
    kustomize) printf 'kubectl kustomize %s' "$2" ;;
  esac
}

# The environment variables a parameter file reads that are not set, space-separated.
unset_variables() {
  local name missing=()
  while IFS= read -r name; do
    [[ -n "${!name:-}" ]] || missing+=("$name")
  done < <(grep -o "readEnvironmentVariable('[A-Za-z_][A-Za-z0-9_]*'" "$1" | sed "s/.*('//; s/'$//" | awk '!seen[$0]++')
  printf '%s' "${missing[*]}"
}

now_ms() {
  if [[ -n "${EPOCHREALTIME:-}" ]]; then
    local micro=${EPOCHREALTIME//[.,]/}
    printf '%s' "$((10#$micro / 1000))"
  else
    printf '%s' "$((SECONDS * 1000))"
  fi
}

output=$(mktemp)
trap 'rm -f "$output"' EXIT

total=${#checks[@]}
index=0
passed=0
invalid=0
slow=0
skipped=0
printf 'validate: %d checks in %s\n' "$total" "$root"
for check in "${checks[@]}"; do
  index=$((index + 1))
  kind=${check%%:*}
  target=${check#*:}
  label=$(label_of "$kind" "$target")
  position=$(printf '[%*d/%d]' "${#total}" "$index" "$total")
  if [[ "$kind" == params ]]; then
    not_set=$(unset_variables "$target")
    if [[ -n "$not_set" ]]; then
      printf '  %s %-8s %s (it reads %s from the environment; set them to check it too)\n' "$position" skipped "$label" "${not_set// /, }"
      skipped=$((skipped + 1))
      continue
    fi
  fi
  command_of "$kind" "$target"
  if [[ $timeout_seconds -gt 0 ]]; then cmd=(timeout "$timeout_seconds" "${cmd[@]}"); fi
  started=$(now_ms)
  status=0
  "${cmd[@]}" >"$output" 2>&1 || status=$?
  elapsed=$(($(now_ms) - started))
  took=$(printf '%d.%d s' "$((elapsed / 1000))" "$((elapsed % 1000 / 100))")
  if [[ $status -eq 0 ]]; then
    printf '  %s %-8s %s (%s)\n' "$position" passed "$label" "$took"
    passed=$((passed + 1))
  elif [[ $timeout_seconds -gt 0 && $status -eq 124 ]]; then
    printf '  %s %-8s %s (did not finish within %s s)\n' "$position" slow "$label" "$timeout_seconds"
    slow=$((slow + 1))
  else
    printf '  %s %-8s %s (%s)\n' "$position" invalid "$label" "$took"
    # The tool's own words: all of a short output, else its error lines (at most 20).
    pattern=.
    if [[ $(grep -c . "$output" || true) -gt 20 ]] && grep -qi error "$output"; then pattern='[Ee][Rr][Rr][Oo][Rr]'; fi
    { grep -e "$pattern" "$output" || true; } | awk 'NR <= 20 { print "        " $0 }'

    invalid=$((invalid + 1))
  fi
done

summary="$passed passed, $skipped skipped, $invalid found an error, $slow did not finish"
if [[ $invalid -gt 0 ]]; then
  fail 1 "$summary: fix the errors above"
elif [[ $slow -gt 0 ]]; then
  fail 3 "$summary: not an error found in the files; rerun with a larger --timeout"
fi
printf 'validate: %s\n' "$summary"
