#!/usr/bin/env bash
# Connects kubectl to the private API server of aks-contoso-dev through Azure Bastion bas-contoso-dev,
# signed in with your Microsoft Entra ID account (a member of the cluster admin groups):
#   1. writes a kubeconfig for your account (az aks get-credentials, never --admin: the cluster's local
#      accounts are disabled) and converts it with kubelogin to reuse your az login;
#   2. points it at localhost:<port>, where the tunnel arrives, keeping the API server's name for TLS;
#   3. opens the tunnel: `az aks bastion` (aks-preview extension), which starts a shell with KUBECONFIG
#      set, or else `az network bastion tunnel`, which runs until Ctrl-C.
# Running it again rewrites the same kubeconfig; nothing else changes.
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
    cluster='aks-contoso-dev'
    bastion='bas-contoso-dev'
    ;;
  *)
    echo "connect: unknown environment \"$environment\": this repository has dev (see --help)" >&2
    exit 1
    ;;
esac
port=50443
kubeconfig=''
method=auto

usage() {
  cat <<EOF
Usage: scripts/connect.sh [environment] [options]

Opens a tunnel through Azure Bastion to the private API server of $cluster and writes a kubeconfig
that signs in with your Entra ID account (kubelogin, azurecli login). Keep it running while you work.

Arguments:
  environment            dev (default: dev)

Options:
  --resource-group NAME  resource group of the cluster and Bastion (default: $resource_group)
  --cluster NAME         AKS cluster (default: $cluster)
  --bastion NAME         Azure Bastion host (default: $bastion)
  --port PORT            local port of the tunnel (default: $port)
  --kubeconfig PATH      kubeconfig to write (default: ~/.kube/$cluster.kubeconfig)
  --method METHOD        auto (default): az aks bastion when the aks-preview extension is installed,
                         otherwise az network bastion tunnel; or aks-bastion, or network-tunnel
  -h, --help             show this help

Needs: the Azure CLI signed in (az login) with the bastion extension, kubectl and kubelogin
(az aks install-cli), and the Reader role on the cluster and the Bastion host.
EOF
}

die() {
  echo "connect: $*" >&2
  exit 1
}

value_of() {
  [[ $# -ge 2 && -n $2 && $2 != -* ]] || die "$1 needs a value (see --help)"
  printf '%s' "$2"
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
    --cluster)
      cluster=$(value_of "$@")
      shift 2
      ;;
    --bastion)
      bastion=$(value_of "$@")
      shift 2
      ;;
    --port)
      port=$(value_of "$@")
      shift 2
      ;;
    --kubeconfig)
      kubeconfig=$(value_of "$@")
      shift 2
      ;;
    --method)
      method=$(value_of "$@")
      shift 2
      ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

[[ $resource_group =~ ^[A-Za-z0-9._()-]{1,90}$ ]] || die "not a resource group name: $resource_group"
[[ $cluster =~ ^[A-Za-z0-9_-]{1,63}$ ]] || die "not an AKS cluster name: $cluster"
[[ $bastion =~ ^[A-Za-z0-9._-]{1,80}$ ]] || die "not a Bastion host name: $bastion"
if ! [[ $port =~ ^[0-9]{1,5}$ ]] || ((port < 1024 || port > 65535)); then
  die "--port must be a number from 1024 to 65535: $port"
fi
[[ $method =~ ^(auto|aks-bastion|network-tunnel)$ ]] || die "--method must be auto, aks-bastion or network-tunnel: $method"

# Prerequisites, each with what to do about it.
command -v az > /dev/null 2>&1 ||
  die "the Azure CLI (az) is not installed: install it (see the README's prerequisites), run az login, then re-run"
command -v kubectl > /dev/null 2>&1 || die "kubectl is not installed: run az aks install-cli (it installs kubectl and kubelogin)"
command -v kubelogin > /dev/null 2>&1 ||
  die "kubelogin is not installed: run az aks install-cli. kubectl needs it to sign in with Entra ID (local accounts are disabled)"
az account show --output none 2> /dev/null || die "the Azure CLI is not signed in: run az login, then re-run"
az extension show --name bastion --output none 2> /dev/null ||
  die "the Azure CLI's bastion extension is missing: az extension add --name bastion"
if [[ $method == auto ]]; then
  if az extension show --name aks-preview --output none 2> /dev/null; then
    method=aks-bastion
  else
    method=network-tunnel
    echo "connect: the aks-preview extension is not installed (az extension add --name aks-preview); using az network bastion tunnel" >&2
  fi
elif [[ $method == aks-bastion ]]; then
  az extension show --name aks-preview --output none 2> /dev/null ||
    die "--method aks-bastion needs the aks-preview extension: az extension add --name aks-preview"
fi

cluster_id=$(az aks show --resource-group "$resource_group" --name "$cluster" --query id --output tsv 2> /dev/null) ||
  die "cluster $cluster not found in resource group $resource_group (deploy infra/ first, or check az account show)"
bastion_id=$(az network bastion show --resource-group "$resource_group" --name "$bastion" --query id --output tsv 2> /dev/null) ||
  die "Bastion host $bastion not found in resource group $resource_group"

if [[ -z $kubeconfig ]]; then
  [[ -n ${HOME:-} ]] || die "HOME is not set: pass --kubeconfig PATH"
  kubeconfig="$HOME/.kube/$cluster.kubeconfig"
fi

# Your Entra ID credentials (never --admin), converted to reuse the Azure CLI's sign-in.
mkdir -p "$(dirname "$kubeconfig")"
az aks get-credentials --resource-group "$resource_group" --name "$cluster" --file "$kubeconfig" --overwrite-existing --only-show-errors
chmod 600 "$kubeconfig"
kubelogin convert-kubeconfig --login azurecli --kubeconfig "$kubeconfig"

# The tunnel arrives on localhost; TLS still checks the API server's own (private) name.
server=$(kubectl config view --kubeconfig "$kubeconfig" --minify --output 'jsonpath={.clusters[0].cluster.server}')
cluster_entry=$(kubectl config view --kubeconfig "$kubeconfig" --minify --output 'jsonpath={.clusters[0].name}')
api_host=${server#https://}
api_host=${api_host%%[:/]*}
[[ -n $api_host && $api_host != localhost ]] || die "unexpected API server address in $kubeconfig: $server"
kubectl config set-cluster "$cluster_entry" --kubeconfig "$kubeconfig" \
  --server "https://localhost:$port" --tls-server-name "$api_host" > /dev/null

cat <<EOF
Kubeconfig: $kubeconfig (Entra ID sign-in through kubelogin; API server $api_host via localhost:$port)
While the tunnel is open, in any terminal:
  export KUBECONFIG=$kubeconfig
  kubectl auth whoami
EOF

# kubelogin signs in with the Azure CLI's account in the shell az aks bastion starts, too.
export AAD_LOGIN_METHOD=azurecli
if [[ $method == aks-bastion ]]; then
  echo "==> az aks bastion: a shell with KUBECONFIG set opens; exit it to close the tunnel"
  exec az aks bastion --resource-group "$resource_group" --name "$cluster" --bastion "$bastion_id" --port "$port"
fi
echo "==> az network bastion tunnel on localhost:$port; Ctrl-C closes it"
exec az network bastion tunnel --resource-group "$resource_group" --name "$bastion" \
  --target-resource-id "$cluster_id" --resource-port 443 --port "$port"
