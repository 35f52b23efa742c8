#!/usr/bin/env bash
# Deletes the environment: the resource group rg-contoso-dev and everything in it (AKS deletes
# its node resource group rg-contoso-dev-aks-nodes with the cluster). Asks you to type the resource
# group's name first, unless --yes is given. Safe to re-run: a resource group that is gone is reported,
# not an error.
# What stays: the key vault kv-contoso-dev-d40d is soft-deleted with purge protection, so its name stays
# taken for 90 days; the Azure DevOps service connection sc-contoso-dev, the environments and
# the pipeline stay in Azure DevOps until you delete them there.
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
    ;;
  *)
    echo "teardown: unknown environment \"$environment\": this repository has dev (see --help)" >&2
    exit 1
    ;;
esac
assume_yes=false

usage() {
  cat <<USAGE
Usage: scripts/teardown.sh [environment] [--resource-group NAME] [--yes]

Deletes the resource group $resource_group and everything in it. This cannot be undone.

Arguments:
  environment            dev (default: dev)

Options:
  --resource-group NAME  resource group to delete (default: $resource_group)
  --yes                  do not ask for confirmation (for automation)
  -h, --help             show this help

Needs the Azure CLI signed in (az login) with permission to delete the resource group.
USAGE
}

die() {
  echo "teardown: $*" >&2
  exit 1
}

while (($#)); do
  case $1 in
    -h | --help)
      usage
      exit 0
      ;;
    --resource-group)
      [[ $# -ge 2 && -n $2 && $2 != -* ]] || die "--resource-group needs a value (see --help)"
      resource_group=$2
      shift 2
      ;;
    --yes)
      assume_yes=true
      shift
      ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

[[ $resource_group =~ ^[A-Za-z0-9._()-]{1,90}$ ]] || die "not a resource group name: $resource_group"

command -v az > /dev/null 2>&1 || die "the Azure CLI (az) is not installed: install it, run az login, then re-run"
az account show --output none 2> /dev/null || die "the Azure CLI is not signed in: run az login, then re-run"

if [[ $(az group exists --name "$resource_group") != true ]]; then
  echo "Resource group $resource_group does not exist in subscription $(az account show --query name --output tsv); nothing to delete."
  exit 0
fi

if [[ $assume_yes != true ]]; then
  [[ -t 0 ]] || die "no terminal to confirm on: pass --yes to delete $resource_group without asking"
  echo "This deletes the resource group $resource_group and everything in it, in subscription $(az account show --query name --output tsv)."
  read -r -p "Type the resource group's name to confirm: " answer
  [[ $answer == "$resource_group" ]] || die "the name did not match; nothing was deleted"
fi

echo "==> Deleting $resource_group (this takes a while)"
az group delete --name "$resource_group" --yes --output none

cat <<DONE
Deleted $resource_group.
Still there:
  - the soft-deleted key vault kv-contoso-dev-d40d (purge protection: its name is reserved for 90 days;
    az keyvault list-deleted shows it)
  - in Azure DevOps: the service connection sc-contoso-dev, the environments contoso-dev-infra and contoso-dev,
    the agent pool pool-contoso-dev and the pipeline; delete them there if you no longer need them.
DONE
