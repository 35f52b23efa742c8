#!/usr/bin/env bash
# Writes the deploy-time values of an environment's overlay from the outputs of its infrastructure
# deployment, so that applying its parts (`kubectl apply -k k8s/overlays/<environment>/parts/<part>`)
# deploys real values:
#   k8s/overlays/<environment>/deploy-values/deploy-values.env   acrLoginServer, keyVaultName, tenantId, gatewayClientId, imageTag
#   k8s/overlays/<environment>/workloads/<name>/client-id.yaml  azure.workload.identity/client-id (output workloadClientIds.<name>)
# None of these values is a secret. Running it again with the same inputs changes nothing.
set -euo pipefail

readonly PLACEHOLDER=REPLACE-ME
# The environment: the first argument, dev (the only one, and the default).
environment=dev
if [[ $# -gt 0 && $1 != -* ]]; then
  environment=$1
  shift
fi
case $environment in
  dev)
    resource_group='rg-contoso-dev'
    deployment='infra-contoso-dev'
    overlay='k8s/overlays/dev'
    ;;
  *)
    echo "write-deploy-values: unknown environment \"$environment\": this repository has dev (see --help)" >&2
    exit 1
    ;;
esac
image_tag=''

usage() {
  cat <<USAGE
Usage: scripts/write-deploy-values.sh [environment] [--resource-group RG] [--deployment NAME] [--image-tag TAG]

Fills the deploy-time values of $overlay (registry login server, Key Vault name,
tenant ID, the gateway's and each workload's client ID and the image tag) from the outputs of the
Bicep deployment.

Arguments:
  environment          dev (default: dev)

Options:
  --resource-group RG  resource group of the deployment (default: $resource_group)
  --deployment NAME    name of the deployment (default: $deployment)
  --image-tag TAG      image tag of every workload, e.g. the pipeline's build ID; never "latest"
                       (default: keep the tag already in $overlay/deploy-values/deploy-values.env)
  -h, --help           show this help and exit

Needs the Azure CLI (az), signed in with read access to the resource group, and jq.
USAGE
}

die() {
  printf 'write-deploy-values: %s\n' "$1" >&2
  exit 1
}

# The value of an option: the next argument, which must exist and must not be another option.
option_value() {
  if [[ $# -lt 2 || -z "$2" || "$2" == -* ]]; then
    die "$1 needs a value (see --help)"
  fi
  printf '%s' "$2"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --resource-group) resource_group=$(option_value "$@"); shift 2 ;;
    --resource-group=*) resource_group=${1#*=}; shift ;;
    --deployment) deployment=$(option_value "$@"); shift 2 ;;
    --deployment=*) deployment=${1#*=}; shift ;;
    --image-tag) image_tag=$(option_value "$@"); shift 2 ;;
    --image-tag=*) image_tag=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

# Azure resource group and deployment names: letters, digits, and . _ ( ) -
[[ "$resource_group" =~ ^[A-Za-z0-9._()-]{1,90}$ ]] || die "--resource-group \"$resource_group\" is not a resource group name"
[[ "$deployment" =~ ^[A-Za-z0-9._()-]{1,64}$ ]] || die "--deployment \"$deployment\" is not a deployment name"
check_image_tag() {
  [[ "$1" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "image tag \"$1\" is not a valid image tag"
  [[ "$1" != latest ]] || die 'the image tag must pin a build (the build ID or commit), not "latest"'
}
if [[ -n "$image_tag" ]]; then check_image_tag "$image_tag"; fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
overlay="$root/$overlay"
[[ -d "$overlay" ]] || die "$overlay does not exist"

command -v az >/dev/null 2>&1 || die 'the Azure CLI (az) is not installed'
command -v jq >/dev/null 2>&1 || die 'jq is not installed (apt-get install jq)'
az account show --output none 2>/dev/null || die 'not signed in to Azure: run az login'

outputs=$(az deployment group show --resource-group "$resource_group" --name "$deployment" \
  --query properties.outputs --output json) ||
  die "cannot read the outputs of deployment $deployment in resource group $resource_group (deploy infra/ first)"
[[ -n "$outputs" && "$outputs" != null ]] || die "deployment $deployment has no outputs"

# output NAME PATTERN: the string output NAME of the deployment, which must match PATTERN.
output() {
  local value
  value=$(jq -er --arg name "$1" '.[$name].value | strings' <<<"$outputs") ||
    die "deployment $deployment has no string output $1"
  [[ "$value" =~ $2 ]] || die "output $1 \"$value\" is not what it should be"
  printf '%s' "$value"
}

readonly GUID='^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
acr_login_server=$(output acrLoginServer '^[a-z0-9][a-z0-9.-]*[a-z0-9]$')
key_vault_name=$(output keyVaultName '^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$')
tenant_id=$(output tenantId "$GUID")
gateway_client_id=$(output gatewayClientId "$GUID")

values_file="$overlay/deploy-values/deploy-values.env"
if [[ -z "$image_tag" && -f "$values_file" ]]; then
  image_tag=$(sed -n 's/^imageTag=//p' "$values_file" | tail -n 1)
fi
image_tag=${image_tag:-$PLACEHOLDER}
check_image_tag "$image_tag"

temp_file=''
trap 'rm -f "$temp_file"' EXIT

# write_file PATH CONTENT: replaces PATH atomically, and only when CONTENT differs.
write_file() {
  local relative=${1#"$root"/}
  if [[ -f "$1" && "$(cat "$1")" == "$2" ]]; then
    printf 'unchanged %s\n' "$relative"
    return
  fi
  temp_file=$(mktemp "$1.XXXXXX")
  printf '%s\n' "$2" >"$temp_file"
  chmod 644 "$temp_file"
  mv "$temp_file" "$1"
  temp_file=''
  printf 'wrote     %s\n' "$relative"
}

# Every workload of the overlay (one folder each) needs its entry in the workloadClientIds output.
# All values are read and checked before anything is written.
readonly CLIENT_ID_LINE='^(    azure.workload.identity/client-id: ).*$'
workloads=()
client_ids=()
for folder in "$overlay"/workloads/*/; do
  [[ -d "$folder" ]] || continue
  workload=$(basename "$folder")
  client_id=$(jq -er --arg name "$workload" '.workloadClientIds.value[$name] | strings' <<<"$outputs") ||
    die "output workloadClientIds has no client ID for workload $workload: add it to infra/ and deploy again"
  [[ "$client_id" =~ $GUID ]] || die "output workloadClientIds.$workload \"$client_id\" is not a GUID"
  patch="${folder}client-id.yaml"
  [[ -f "$patch" && -n "$(sed -En "\|$CLIENT_ID_LINE|p" "$patch")" ]] ||
    die "${patch#"$root"/} has no line \"    azure.workload.identity/client-id: ...\" to fill in"
  workloads+=("$workload")
  client_ids+=("$client_id")
done

header="# Written by scripts/write-deploy-values.sh from the outputs of the deployment $deployment
# in the resource group $resource_group. None of these values is a secret."

write_file "$values_file" "$header
acrLoginServer=$acr_login_server
keyVaultName=$key_vault_name
tenantId=$tenant_id
gatewayClientId=$gateway_client_id
imageTag=$image_tag"
# A workload's client ID is the one value of its ServiceAccount patch; the rest of the file stays as it is.
for i in "${!workloads[@]}"; do
  patch="$overlay/workloads/${workloads[i]}/client-id.yaml"
  write_file "$patch" "$(sed -E "s|$CLIENT_ID_LINE|\1${client_ids[i]}|" "$patch")"
done

if [[ "$image_tag" == "$PLACEHOLDER" ]]; then
  printf 'write-deploy-values: warning: the image tag is still %s; pass --image-tag before deploying\n' "$PLACEHOLDER" >&2
fi
