#!/usr/bin/env bash
# Connects Azure DevOps to this environment's Azure resources. Run it once, after the first
# infrastructure deployment (it needs the pipeline identity id-pipeline-shop-prod), from a
# workstation signed in with `az login`:
#   1. the service connection sc-shop-prod: Azure Resource Manager with workload identity
#      federation for the pipeline identity, so no secret exists anywhere;
#   2. the federated credential fic-ado-pipeline on the pipeline identity, with the issuer and
#      subject that Azure DevOps assigned to the service connection;
#   3. the Azure DevOps environments shop-prod-infra and shop-prod that the deployment
#      jobs target (add approvals and checks to them: docs/environments.md);
#   4. the agent pool pool-shop-prod: an Azure DevOps elastic pool over the scale set
#      vmss-agents-shop-prod, driven through the service connection.
# Every step looks at what exists first, so the script is safe to re-run. It writes no secret: the
# request bodies hold only names and IDs, in a temporary folder removed on exit.
set -euo pipefail

organization=https://dev.azure.com/shop
project=shop
subscription=''

# The environment: the first argument, prod (the only one, and the default).
environment=prod
if [[ $# -gt 0 && $1 != -* ]]; then
  environment=$1
  shift
fi
case $environment in
  prod)
    resource_group='rg-shop-prod'
    service_connection='sc-shop-prod'
    identity='id-pipeline-shop-prod'
    federated_credential='fic-ado-pipeline'
    infra_environment='shop-prod-infra'
    workloads_environment='shop-prod'
    agent_pool='pool-shop-prod'
    parameters_file='infra/prod.bicepparam'
    production='true'
    scale_set='vmss-agents-shop-prod'
    agent_max_count='4'
    ;;
  *)
    echo "bootstrap-devops: unknown environment \"$environment\": this repository has prod (see --help)" >&2
    exit 1
    ;;
esac
environments=("$infra_environment" "$workloads_environment")
readonly audience=api://AzureADTokenExchange
# The environments API is still versioned as a preview.
readonly environments_api=7.1-preview.1

usage() {
  cat <<EOF
Usage: scripts/bootstrap-devops.sh [environment] [options]

Creates the Azure DevOps service connection (workload identity federation), the federated
credential on the pipeline identity $identity, and the environments ${environments[*]}.
Run it after the first infrastructure deployment; safe to re-run.

Arguments:
  environment               prod (default: prod)

Options:
  --organization URL        Azure DevOps organization (default: $organization)
  --project NAME            Azure DevOps project (default: $project)
  --subscription ID         Azure subscription (default: the Azure CLI's current one)
  --resource-group NAME     resource group of the deployment (default: $resource_group)
  --service-connection NAME service connection to create (default: $service_connection)
  -h, --help                show this help

Needs: the Azure CLI with the azure-devops extension (az extension add --name azure-devops),
signed in with az login as an account that can manage the identity's federated credentials and
administer service connections and environments in the project.
EOF
}

die() {
  echo "bootstrap-devops: $*" >&2
  exit 1
}

info() {
  echo "==> $*"
}

value_of() {
  [[ $# -ge 2 && -n $2 ]] || die "$1 needs a value (see --help)"
  printf '%s' "$2"
}

while (($#)); do
  case $1 in
    -h | --help)
      usage
      exit 0
      ;;
    --organization)
      organization=$(value_of "$@")
      shift 2
      ;;
    --project)
      project=$(value_of "$@")
      shift 2
      ;;
    --subscription)
      subscription=$(value_of "$@")
      shift 2
      ;;
    --resource-group)
      resource_group=$(value_of "$@")
      shift 2
      ;;
    --service-connection)
      service_connection=$(value_of "$@")
      shift 2
      ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

# The values end up in JSON request bodies and JMESPath queries: accept only what Azure accepts.
[[ $organization =~ ^https://(dev\.azure\.com/[A-Za-z0-9-]+|[a-z0-9-]+\.visualstudio\.com)$ ]] ||
  die "--organization must look like https://dev.azure.com/<organization>: $organization"
[[ $project =~ ^[A-Za-z0-9][A-Za-z0-9\ ._-]*$ ]] || die "not an Azure DevOps project name: $project"
[[ -z $subscription || $subscription =~ ^[0-9a-fA-F-]{36}$ ]] || die "--subscription must be a subscription ID: $subscription"
[[ $resource_group =~ ^[A-Za-z0-9._()-]+$ ]] || die "not a resource group name: $resource_group"
[[ $service_connection =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "not a service connection name: $service_connection"

# Prerequisites, with what to do about each.
command -v az > /dev/null 2>&1 || die "the Azure CLI (az) is not installed; install it, run az login, then re-run"
az extension show --name azure-devops > /dev/null 2>&1 ||
  die "the Azure CLI's azure-devops extension is missing: az extension add --name azure-devops"
az account show > /dev/null 2>&1 || die "the Azure CLI is not signed in: run az login, then re-run"
if [[ -z $subscription ]]; then
  subscription=$(az account show --query id --output tsv)
fi

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

azure=(--subscription "$subscription")
devops=(--organization "$organization")

info "Pipeline identity $identity in $resource_group"
client_id=$(az identity show "${azure[@]}" --resource-group "$resource_group" --name "$identity" --query clientId --output tsv 2> /dev/null) ||
  die "managed identity $identity not found in resource group $resource_group of subscription $subscription; deploy the infrastructure first (README)"
tenant_id=$(az identity show "${azure[@]}" --resource-group "$resource_group" --name "$identity" --query tenantId --output tsv)
# JSON-encoded by the CLI, so the name can go into the request body as it is.
subscription_name=$(az account show "${azure[@]}" --query name --output json)

info "Azure DevOps project $project in $organization"
project_id=$(az devops project show "${devops[@]}" --project "$project" --query id --output tsv 2> /dev/null) ||
  die "cannot read the project $project in $organization: check the names, and that the account you signed in with is a member"
project_name=$(az devops project show "${devops[@]}" --project "$project" --query name --output json)
devops+=(--project "$project")

info "Service connection $service_connection"
endpoint_id=$(az devops service-endpoint list "${devops[@]}" --query "[?name=='$service_connection'].id | [0]" --output tsv)
if [[ -n $endpoint_id ]]; then
  binding=$(az devops service-endpoint show "${devops[@]}" --id "$endpoint_id" \
    --query "join(' ', [authorization.scheme, authorization.parameters.serviceprincipalid])" --output tsv)
  if [[ $(tr '[:upper:]' '[:lower:]' <<< "$binding") != "workloadidentityfederation $(tr '[:upper:]' '[:lower:]' <<< "$client_id")" ]]; then
    die "service connection $service_connection exists but is not workload identity federation for $identity ($client_id): it is '$binding'. Delete or rename it, then re-run"
  fi
  echo "    exists (workload identity federation for $identity)"
else
  cat > "$workdir/service-connection.json" <<EOF
{
  "name": "$service_connection",
  "type": "azurerm",
  "url": "https://management.azure.com/",
  "description": "Deploys shop (prod) as the managed identity $identity; workload identity federation, no secret.",
  "authorization": {
    "scheme": "WorkloadIdentityFederation",
    "parameters": {
      "serviceprincipalid": "$client_id",
      "tenantid": "$tenant_id"
    }
  },
  "data": {
    "environment": "AzureCloud",
    "scopeLevel": "Subscription",
    "subscriptionId": "$subscription",
    "subscriptionName": $subscription_name,
    "creationMode": "Manual"
  },
  "isShared": false,
  "isReady": true,
  "serviceEndpointProjectReferences": [
    {
      "projectReference": { "id": "$project_id", "name": $project_name },
      "name": "$service_connection"
    }
  ]
}
EOF
  endpoint_id=$(az devops service-endpoint create "${devops[@]}" \
    --service-endpoint-configuration "$workdir/service-connection.json" --query id --output tsv)
  echo "    created"
fi

# Azure DevOps chooses the issuer and subject of the tokens it presents for this connection.
issuer=$(az devops service-endpoint show "${devops[@]}" --id "$endpoint_id" \
  --query authorization.parameters.workloadIdentityFederationIssuer --output tsv)
subject=$(az devops service-endpoint show "${devops[@]}" --id "$endpoint_id" \
  --query authorization.parameters.workloadIdentityFederationSubject --output tsv)
[[ -n $issuer && -n $subject ]] ||
  die "service connection $service_connection has no workload identity federation issuer and subject yet; re-run in a minute"
[[ $issuer$subject != *"'"* ]] || die "unexpected quote in the issuer or subject of $service_connection"
echo "    issuer:  $issuer"
echo "    subject: $subject"

info "Federated credential $federated_credential on $identity"
fic=(--identity-name "$identity" --resource-group "$resource_group")
trusted=$(az identity federated-credential list "${azure[@]}" "${fic[@]}" \
  --query "[?issuer=='$issuer' && subject=='$subject'].name | [0]" --output tsv)
if [[ -n $trusted ]]; then
  echo "    exists ($trusted)"
elif az identity federated-credential show "${azure[@]}" "${fic[@]}" --name "$federated_credential" > /dev/null 2>&1; then
  # The service connection was recreated: point the credential at its new subject.
  az identity federated-credential update "${azure[@]}" "${fic[@]}" --name "$federated_credential" \
    --issuer "$issuer" --subject "$subject" --audiences "$audience" --output none
  echo "    updated"
else
  az identity federated-credential create "${azure[@]}" "${fic[@]}" --name "$federated_credential" \
    --issuer "$issuer" --subject "$subject" --audiences "$audience" --output none
  echo "    created"
fi

for environment in "${environments[@]}"; do
  info "Environment $environment"
  count=$(az devops invoke --organization "$organization" --area distributedtask --resource environments \
    --route-parameters "project=$project" --query-parameters "name=$environment" \
    --http-method GET --api-version "$environments_api" --query count --output tsv)
  if [[ $count != 0 ]]; then
    echo "    exists"
    continue
  fi
  cat > "$workdir/environment.json" <<EOF
{
  "name": "$environment",
  "description": "shop, environment $environment: add approvals and checks here (docs/environments.md)."
}
EOF
  az devops invoke --organization "$organization" --area distributedtask --resource environments \
    --route-parameters "project=$project" --http-method POST --api-version "$environments_api" \
    --in-file "$workdir/environment.json" --output none
  echo "    created"
done

info "Agent pool $agent_pool"
queue_id=$(az pipelines queue list "${devops[@]}" --queue-name "$agent_pool" --query "[0].id" --output tsv)
if [[ -n $queue_id ]]; then
  echo "    available in the project"
else
  scale_set_id=$(az vmss show "${azure[@]}" --resource-group "$resource_group" --name "$scale_set" --query id --output tsv 2> /dev/null) ||
    die "scale set $scale_set not found in $resource_group; deploy the infrastructure first"
  # A fresh agent for every job (recycleAfterEachUse), none kept idle, at most $agent_max_count at once.
  cat > "$workdir/elastic-pool.json" <<EOF
{
  "serviceEndpointId": "$endpoint_id",
  "serviceEndpointScope": "$project_id",
  "azureId": "$scale_set_id",
  "osType": "linux",
  "maxCapacity": $agent_max_count,
  "desiredIdle": 0,
  "recycleAfterEachUse": true,
  "maxSavedNodeCount": 0,
  "timeToLiveMinutes": 15,
  "agentInteractiveUI": false
}
EOF
  az devops invoke --organization "$organization" --area distributedtask --resource elasticpools \
    --query-parameters "poolName=$agent_pool" authorizeAllPipelines=false autoProvisionProjectPools=false "projectId=$project_id" \
    --http-method POST --api-version 7.1 --in-file "$workdir/elastic-pool.json" --output none
  echo "    created (elastic pool over $scale_set)"
fi

cat <<EOF

Done. Next:
  - Create the pipeline from pipelines/azure-pipelines.yml (Pipelines > New pipeline > Existing YAML file).
    On its first run, permit it to use the service connection, the agent pool and the environments.
  - Add approvals and checks to the environments: docs/environments.md.
  - Optional: keep the federated credential in the Bicep by setting, in $parameters_file,
      pipelineFederationIssuer = '$issuer'
      pipelineFederationSubject = '$subject'
EOF
if [[ $production == true ]]; then
  cat <<EOF
  - $environment serves users: before the pipeline's first run reaches it, add an Approvals check (and
    Branch control on refs/heads/main) to $infra_environment and $workloads_environment
    (docs/environments.md, "Configure the checks"). Until then its stages run without a human look.
EOF
fi
