#!/usr/bin/env bash
# The offline checks of this repository, for a workstation or any CI: bicep lint of every
# environment's Bicep entry point (infra/main.bicep, or infra/<environment>.bicep once there are
# several), which compiles it and every module it uses and reports what bicep build would (every
# linter rule is an error in infra/bicepconfig.json); bicep build-params of the infra/*.bicepparam
# files (when the environment variables they read are set, as in the pipeline: it compiles and lints
# the same files with their values, so the lint is then skipped); and kubectl kustomize of each part
# of each k8s/overlays/<environment>. Each Bicep check is one Bicep CLI process for all its files
# (--pattern, Bicep CLI 0.34 or later, once there are several): the CLI takes seconds to start. They
# are the checks `create-secure-aks --validate` runs after generating; the pipeline's Validate stage
# runs this script. One line per check as it finishes. Needs no Azure sign-in and writes no file in
# the repository.
#
# Exit codes: 0 every check that ran passed (skipped ones say why), 1 a check found an error,
# 2 wrong usage or a missing tool, 3 a check did not finish within --timeout (not an error found).
set -euo pipefail

timeout_seconds=0

usage() {
  cat <<'USAGE'
Usage: scripts/validate.sh [--timeout SECONDS]

Checks infra/ and k8s/ offline: bicep lint of infra/main.bicep
and the modules they use, bicep build-params of the parameter files (which lints the same files: with
the variables they read set, it is the one Bicep check), kubectl kustomize of each overlay's parts.

Options:
  --timeout SECONDS  stop a check that runs longer than this (needs the timeout command); a check
                     stopped this way is reported as slow, not as an error (default: no limit)
  -h, --help         show this help and exit

Tools: bicep from BICEP_PATH, else bicep on PATH, else ~/.azure/bin/bicep, else az bicep; kubectl
from KUBECTL_PATH, else kubectl on PATH. The parameter files are built only when every environment
variable they read is set (see their comments). Several entry points or parameter files are checked
by one Bicep process with --pattern, which needs Bicep CLI 0.34 or later.
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
# One Bicep process per check: the file, or a pattern for all of them (a check's target with a *).
if ((${#roots[@]} == 1)); then
  checks+=("lint:${roots[0]}")
elif ((${#roots[@]} > 1)); then
  checks+=('lint:infra/*.bicep')
fi
parameter_files=(infra/*.bicepparam)
params_target=''
if ((${#roots[@]} && ${#parameter_files[@]} == 1)); then
  params_target=${parameter_files[0]}
elif ((${#roots[@]} && ${#parameter_files[@]} > 1)); then
  params_target='infra/*.bicepparam'
fi
if [[ -n $params_target ]]; then checks+=("params:$params_target"); fi
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

# run COMMAND...: runs one command of the current check, its output appended to $output; the check's
# status is the first error, else a timeout (124), else 0.
run() {
  local status=0
  if [[ $timeout_seconds -gt 0 ]]; then
    timeout "$timeout_seconds" "$@" >>"$output" 2>&1 || status=$?
  else
    "$@" >>"$output" 2>&1 || status=$?
  fi
  if [[ $status -ne 0 && ( $check_status -eq 0 || $check_status -eq 124 ) ]]; then check_status=$status; fi
}

# run_check KIND TARGET: the check's commands, the Bicep CLI standalone (one process, --pattern for a
# pattern) or through az (which takes one --file at a time).
run_check() {
  local kind=$1 target=$2 verb file files=()
  check_status=0
  : >"$output"
  case "$kind" in
    kustomize) run "$kubectl" kustomize "$target"; return ;;
    lint) verb=lint ;;
    params) verb=build-params ;;
  esac
  if [[ "${bicep[0]}" == az ]]; then
    # shellcheck disable=SC2206 # a pattern is expanded on purpose, in the shell's order
    files=($target)
    for file in "${files[@]}"; do
      if [[ $verb == lint ]]; then run az bicep lint --file "$file"; else run az bicep build-params --file "$file" --stdout; fi
    done
  elif [[ $target == *'*'* && $verb == lint ]]; then
    run "${bicep[@]}" lint --pattern "$target"
  elif [[ $target == *'*'* ]]; then
    # With --pattern, build-params writes a file per parameter file: into the temporary folder.
    run "${bicep[@]}" build-params --pattern "$target" --outdir "$work"
  elif [[ $verb == lint ]]; then
    run "${bicep[@]}" lint "$target"
  else
    run "${bicep[@]}" build-params "$target" --stdout
  fi
}

# What a check is called in the report (the words create-secure-aks --validate prints).
label_of() {
  local target=$2
  if [[ $target == *'*'* ]]; then target="--pattern '$target'"; fi
  case "$1" in
    lint) printf 'bicep lint %s' "$target" ;;
    params) printf 'bicep build-params %s' "$target" ;;
    kustomize) printf 'kubectl kustomize %s' "$target" ;;
  esac
}

# The environment variables the parameter files of a target read that are not set, space-separated.
unset_variables() {
  local name files=() missing=()
  # shellcheck disable=SC2206 # a pattern is expanded on purpose
  files=($1)
  while IFS= read -r name; do
    [[ -n "${!name:-}" ]] || missing+=("$name")
  done < <(cat -- "${files[@]}" | grep -o "readEnvironmentVariable('[A-Za-z_][A-Za-z0-9_]*'" | sed "s/.*('//; s/'$//" | awk '!seen[$0]++')
  printf '%s' "${missing[*]}"
}

# lint_covered LINT_TARGET PARAMS_TARGET: whether building the parameter files compiles every file the
# lint starts from: each is the entry point a parameter file uses, or a file such an entry point
# imports or deploys as a module by name (infra/types.bicep).
lint_covered() {
  local file name target files=() params=() targets=()
  # shellcheck disable=SC2206 # patterns are expanded on purpose
  files=($1) params=($2)
  for file in "${params[@]}"; do
    target=$(sed -n "s/^using '\(\.\/\)\{0,1\}\([^']*\.bicep\)'.*/\2/p" "$file")
    target=${target%%$'\n'*}
    if [[ -n $target && -f infra/$target ]]; then targets+=("infra/$target"); fi
  done
  ((${#targets[@]})) || return 1
  for file in "${files[@]}"; do
    [[ " ${targets[*]} " == *" $file "* ]] && continue
    name=${file#infra/}
    grep -Eq "(from|module[[:space:]]+[A-Za-z0-9_]+)[[:space:]]+'(\./)?${name//./\\.}'" "${targets[@]}" || return 1
  done
}

now_ms() {
  if [[ -n "${EPOCHREALTIME:-}" ]]; then
    local micro=${EPOCHREALTIME//[.,]/}
    printf '%s' "$((10#$micro / 1000))"
  else
    printf '%s' "$((SECONDS * 1000))"
  fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
output=$work/output
check_status=0

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
  # With every variable set, build-params reports what the lint would (linter rules included): one Bicep process, not two.
  if [[ "$kind" == lint && -n $params_target && -z "$(unset_variables "$params_target")" ]] && lint_covered "$target" "$params_target"; then
    printf '  %s %-8s %s (the build-params check below compiles and lints the same files)\n' "$position" skipped "$label"
    skipped=$((skipped + 1))
    continue
  fi
  if [[ "$kind" == params ]]; then
    not_set=$(unset_variables "$target")
    if [[ -n "$not_set" && $target == *'*'* ]]; then
      printf '  %s %-8s %s (they read %s from the environment; set them to check the parameter files too)\n' "$position" skipped "$label" "${not_set// /, }"
      skipped=$((skipped + 1))
      continue
    elif [[ -n "$not_set" ]]; then
      printf '  %s %-8s %s (it reads %s from the environment; set them to check it too)\n' "$position" skipped "$label" "${not_set// /, }"
      skipped=$((skipped + 1))
      continue
    fi
  fi
  started=$(now_ms)
  run_check "$kind" "$target"
  status=$check_status
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
    # The tool's own words, each line once (a module two entry points use is reported for each): all
    # of a short output, else its error lines (at most 20).
    awk 'NF && !seen[$0]++' "$output" >"$work/lines"
    pattern=.
    if [[ $(grep -c . "$work/lines" || true) -gt 20 ]] && grep -qi error "$work/lines"; then pattern='[Ee][Rr][Rr][Oo][Rr]'; fi
    { grep -e "$pattern" "$work/lines" || true; } | awk 'NR <= 20 { print "        " $0 }'

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
