// Parameters of main.bicep for the prod environment.
//
// Some values are only known at deploy time. This file reads them from environment variables, so
// that one command deploys (see main.bicep):
//   AKS_ADMIN_GROUP_OBJECT_IDS
//     Entra ID groups whose members administer the cluster, comma-separated object IDs:
//     az ad group show --group '<group name>' --query id --output tsv
//   AGENT_SSH_PUBLIC_KEY
//     SSH public key of the agents' admin account (password sign-in is disabled), for example:
//     ssh-keygen -t rsa -b 4096 -f ~/.ssh/agents && export AGENT_SSH_PUBLIC_KEY="$(cat ~/.ssh/agents.pub)"
// A variable that is not set stops `bicep build-params` and every deployment here with a message that
// names it. None of them is a secret: you may also replace the expression below with the value and
// commit it. The pipeline deploys this file too: define pipeline variables with these names, or commit
// the values.

using 'main.bicep'

param location = 'westeurope'

// Required: without AKS_ADMIN_GROUP_OBJECT_IDS the deployment stops here, naming it.
param adminGroupObjectIds = empty(readEnvironmentVariable('AKS_ADMIN_GROUP_OBJECT_IDS', ''))
  ? fail('AKS_ADMIN_GROUP_OBJECT_IDS is not set: the object IDs of the Entra ID groups that administer the cluster, comma-separated. Export it and deploy again (see the comment at the top of this file).')
  : split(readEnvironmentVariable('AKS_ADMIN_GROUP_OBJECT_IDS', ''), ',')

// Required: without AGENT_SSH_PUBLIC_KEY the deployment stops here, naming it.
param agentSshPublicKey = empty(readEnvironmentVariable('AGENT_SSH_PUBLIC_KEY', ''))
  ? fail('AGENT_SSH_PUBLIC_KEY is not set: the SSH public key of the admin account of the agents. Export it and deploy again (see the comment at the top of this file).')
  : readEnvironmentVariable('AGENT_SSH_PUBLIC_KEY', '')

// The federated credential that lets the Azure DevOps service connection sign in as the pipeline
// identity. Nothing to fill in: scripts/bootstrap-devops.sh creates that credential itself, and the
// deployments (incremental) leave it alone while these are empty. Optionally paste the issuer and
// subject it prints (also under Project settings > Service connections > sc-shop-prod)
// so that the Bicep owns the credential and recreates it if it is ever deleted.
param pipelineFederationIssuer = ''
param pipelineFederationSubject = ''
