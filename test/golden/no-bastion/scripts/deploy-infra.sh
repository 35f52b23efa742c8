#!/usr/bin/env bash
# The first deployment of infra/ from a workstation (after it, the pipeline's Infra stage deploys every
# change). Checks the prerequisites and the values infra/dev.bicepparam reads from the
# environment, registers the resource providers and subscription features the resources need,
# looks up DEVOPS_INFRASTRUCTURE_OBJECT_ID if it is not set (only now: registering Microsoft.DevOpsInfrastructure
# is what creates it),
# creates the resource group rg-contoso-dev if it does not exist, then deploys infra/main.bicep as the deployment
# infra-contoso-dev (the name the pipeline and scripts/write-deploy-values.sh read outputs from).
# Every step looks at what exists first, so the script is safe to re-run; --what-if changes nothing.
set -euo pipefail

# The environment: the first argument, dev (the only one, and the default).
environment=dev
if [[ $# -gt 0 && $1 != -* ]]; then
  environment=$1
  shift
fi
case $environment in
  dev)
    resource_group='rg-contoso-dev'
    location='westeurope'
    deployment='infra-contoso-dev'
    template='infra/main.bicep'
    parameters='infra/dev.bicepparam'
    ;;
  *)
    echo "deploy-infra: unknown environment \"$environment\": this repository has dev (see --help)" >&2
    exit 1
    ;;
esac
what_if=false
readonly providers=(Microsoft.Compute Microsoft.ContainerRegistry Microsoft.ContainerService Microsoft.DevCenter Microsoft.DevOpsInfrastructure Microsoft.Insights Microsoft.KeyVault Microsoft.ManagedIdentity Microsoft.Network Microsoft.OperationalInsights Microsoft.PolicyInsights)
# Subscription features (namespace/name): encryption at host on every node pool needs the first.
readonly features=(Microsoft.Compute/EncryptionAtHost)
# What the operator sets; the others are looked up after the resource providers are registered.
readonly required_variables=(AKS_ADMIN_GROUP_OBJECT_IDS)

usage() {
  cat <<USAGE
Usage: scripts/deploy-infra.sh [environment] [options]

Deploys $template with $parameters to the resource group $resource_group
as the deployment $deployment, after registering the resource providers and subscription features it needs.

Arguments:
  environment            dev (default: dev)

Options:
  --resource-group NAME  resource group to deploy to (default: $resource_group)
  --location REGION      region of the resource group if it is created (default: $location)
  --deployment NAME      deployment name (default: $deployment; the pipeline reads this one)
  --what-if              preview the changes (az deployment group what-if) and deploy nothing
  -h, --help             show this help

Needs the Azure CLI with Bicep (az bicep install), signed in with az login as Owner (or Contributor
plus Role Based Access Control Administrator) of the subscription or the resource group.
USAGE
}

die() {
  echo "deploy-infra: $*" >&2
  exit 1
}

value_of() {
  [[ $# -ge 2 && -n $2 && $2 != -* ]] || die "$1 needs a value (see --help)"
  printf '%s' "$2"
}

# What each value the parameter file reads from the environment is, and how to find it.
variable_help() {
  case $1 in
    AKS_ADMIN_GROUP_OBJECT_IDS)
      cat <<'HELP'
    Entra ID groups whose members administer the cluster, comma-separated object IDs:
    az ad group show --group '<group name>' --query id --output tsv
HELP
      ;;
    DEVOPS_INFRASTRUCTURE_OBJECT_ID)
      cat <<'HELP'
    Object ID of the DevOpsInfrastructure service principal in your tenant (Managed DevOps Pools' service).
    It exists once the resource provider Microsoft.DevOpsInfrastructure is registered in the subscription
    (scripts/deploy-infra.sh registers it, then looks the object ID up when this is not set):
    az ad sp list --display-name DevOpsInfrastructure --query "[0].id" --output tsv
HELP
      ;;
    *) ;;
  esac
}

while (($#)); do
  case $1 in
    -h | --help)
      usage
      exit 0
      ;;
    --resource-group)
      resource_group=$(value_of "$@")
      shift 2
      ;;
    --location)
      location=$(value_of "$@")
      shift 2
      ;;
    --deployment)
      deployment=$(value_of "$@")
      shift 2
      ;;
    --what-if)
      what_if=true
      shift
      ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

[[ $resource_group =~ ^[A-Za-z0-9._()-]{1,90}$ ]] || die "not a resource group name: $resource_group"
[[ $location =~ ^[a-z0-9]{2,40}$ ]] || die "not an Azure region name: $location"
[[ $deployment =~ ^[A-Za-z0-9._()-]{1,64}$ ]] || die "not a deployment name: $deployment"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ -f $root/$template && -f $root/$parameters ]] || die "$template or $parameters is missing under $root"
template="$root/$template"
parameters="$root/$parameters"

# Prerequisites, each with what to do about it.
command -v az > /dev/null 2>&1 ||
  die "the Azure CLI (az) is not installed: install it (see the README's prerequisites), run az login, then re-run"
az account show --output none 2> /dev/null || die "the Azure CLI is not signed in: run az login, then re-run"
az bicep version --only-show-errors > /dev/null 2>&1 || die "the Azure CLI has no Bicep: run az bicep install"

missing=()
for variable in "${required_variables[@]}"; do
  [[ -n ${!variable:-} ]] || missing+=("$variable")
done
if ((${#missing[@]})); then
  {
    echo "deploy-infra: ${parameters#"$root/"} reads these from the environment, and they are not set:"
    for variable in "${missing[@]}"; do
      echo "  $variable"
      variable_help "$variable"
    done
    echo "Export them (none is a secret), then re-run."
  } >&2
  exit 1
fi

subscription=$(az account show --query name --output tsv)
echo "==> Subscription: $subscription"

for provider in "${providers[@]}"; do
  state=$(az provider show --namespace "$provider" --query registrationState --output tsv 2> /dev/null || echo NotRegistered)
  if [[ $state == Registered ]]; then
    echo "    $provider registered"
  elif [[ $what_if == true ]]; then
    echo "    $provider is not registered: the deployment would register it"
  else
    echo "    $provider: registering (this can take a few minutes)"
    az provider register --namespace "$provider" --wait --output none
  fi
done

# Registering Microsoft.DevOpsInfrastructure (above) is what creates the service principal in the tenant,
# so it is looked up only now.
if [[ -z ${DEVOPS_INFRASTRUCTURE_OBJECT_ID:-} ]]; then
  DEVOPS_INFRASTRUCTURE_OBJECT_ID=$(az ad sp list --display-name DevOpsInfrastructure --query "[0].id" --output tsv 2> /dev/null || true)
  if [[ -z $DEVOPS_INFRASTRUCTURE_OBJECT_ID ]]; then
    {
      echo "deploy-infra: DEVOPS_INFRASTRUCTURE_OBJECT_ID is not set, and it cannot be looked up yet:"
      variable_help DEVOPS_INFRASTRUCTURE_OBJECT_ID
      if [[ $what_if == true ]]; then
        echo "--what-if registers no resource provider: run without --what-if once, or set DEVOPS_INFRASTRUCTURE_OBJECT_ID."
      else
        echo "If Microsoft.DevOpsInfrastructure was registered just now, wait a minute and re-run; otherwise check that"
        echo "your account may read service principals (az ad sp list --display-name DevOpsInfrastructure --query "[0].id" --output tsv), or set DEVOPS_INFRASTRUCTURE_OBJECT_ID."
      fi
    } >&2
    exit 1
  fi
  export DEVOPS_INFRASTRUCTURE_OBJECT_ID
  echo "==> DEVOPS_INFRASTRUCTURE_OBJECT_ID=$DEVOPS_INFRASTRUCTURE_OBJECT_ID (looked up; define it as a pipeline variable too)"
fi

for feature in "${features[@]}"; do
  namespace=${feature%%/*}
  name=${feature#*/}
  state=$(az feature show --namespace "$namespace" --name "$name" --query properties.state --output tsv 2> /dev/null || echo NotRegistered)
  if [[ $state == Registered ]]; then
    echo "    feature $feature registered"
  elif [[ $what_if == true ]]; then
    echo "    feature $feature is not registered: a run without --what-if registers it"
  else
    echo "    feature $feature: registering (this can take up to 20 minutes)"
    az feature register --namespace "$namespace" --name "$name" --output none
    for ((attempt = 0; attempt < 60; attempt++)); do
      state=$(az feature show --namespace "$namespace" --name "$name" --query properties.state --output tsv)
      [[ $state == Registered ]] && break
      sleep 30
    done
    [[ $state == Registered ]] || die "feature $feature is still $state after 30 minutes; re-run when az feature show says Registered"
    # A feature takes effect once its resource provider is registered again.
    az provider register --namespace "$namespace" --wait --output none
  fi
done

if [[ $(az group exists --name "$resource_group") == true ]]; then
  echo "==> Resource group $resource_group exists"
elif [[ $what_if == true ]]; then
  die "resource group $resource_group does not exist; what-if needs it: run without --what-if, or az group create --name $resource_group --location $location"
else
  echo "==> Resource group $resource_group: creating in $location"
  az group create --name "$resource_group" --location "$location" --output none
fi

if [[ $what_if == true ]]; then
  echo "==> What-if of $deployment (nothing is changed)"
  az deployment group what-if --resource-group "$resource_group" --name "$deployment" \
    --template-file "$template" --parameters "$parameters"
  exit 0
fi

echo "==> Deployment $deployment (the cluster takes most of the time)"
az deployment group create --resource-group "$resource_group" --name "$deployment" \
  --template-file "$template" --parameters "$parameters" --output none
az deployment group show --resource-group "$resource_group" --name "$deployment" \
  --query properties.outputs --output yaml

cat <<NEXT

Deployed. Next:
  bash scripts/bootstrap-devops.sh   # the Azure DevOps service connection and environments
NEXT
