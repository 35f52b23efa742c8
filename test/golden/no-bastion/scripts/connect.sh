#!/usr/bin/env bash
# This repository was generated without Azure Bastion (bastion: false), so the private API server of
# aks-contoso-dev cannot be reached from a workstation outside the virtual network. Run kubectl
# from a machine inside vnet-contoso-dev instead (see the README, "Connect as an operator"),
# or generate the repository again with --bastion.
set -euo pipefail

explain() {
  cat <<'EOF'
Usage: scripts/connect.sh

This repository has no Azure Bastion (it was generated with bastion: false), so there is no tunnel to
the private API server of aks-contoso-dev from this machine.

Reach it from inside the virtual network vnet-contoso-dev instead: a jump VM in its own subnet,
a network peered with it (with the API server's private DNS zone linked), or a pipeline job on the
agent pool pool-contoso-dev (subnet snet-devops-agents). There, sign in with your Entra ID account:

  az login
  az aks get-credentials --resource-group rg-contoso-dev --name aks-contoso-dev --file ~/.kube/aks-contoso-dev.kubeconfig
  kubelogin convert-kubeconfig --login azurecli --kubeconfig ~/.kube/aks-contoso-dev.kubeconfig
  export KUBECONFIG=~/.kube/aks-contoso-dev.kubeconfig
  kubectl auth whoami

Never use --admin: the cluster's local accounts are disabled. To add Bastion, run the generator
again in this repository with --bastion.
EOF
}

case ${1:-} in
  -h | --help)
    explain
    exit 0
    ;;
  *)
    explain >&2
    exit 2
    ;;
esac
