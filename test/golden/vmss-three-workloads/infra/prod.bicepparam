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
// None of them is a secret: you may also replace readEnvironmentVariable(...) below with the value
// and commit it. The pipeline deploys this file too: define pipeline variables with these names, or
// commit the values.

using 'main.bicep'

param location = 'westeurope'

// Required: the deployment stops here if AKS_ADMIN_GROUP_OBJECT_IDS is not set.
param adminGroupObjectIds = empty(readEnvironmentVariable('AKS_ADMIN_GROUP_OBJECT_IDS', ''))
  ? []
  : split(readEnvironmentVariable('AKS_ADMIN_GROUP_OBJECT_IDS', ''), ',')

// Required: the deployment stops here if AGENT_SSH_PUBLIC_KEY is not set.
param agentSshPublicKey = readEnvironmentVariable('AGENT_SSH_PUBLIC_KEY', '')

// The federated credential that lets the Azure DevOps service connection sign in as the pipeline
// identity. Empty until the service connection exists: scripts/bootstrap-devops.sh creates it and
// prints both values (also under Project settings > Service connections > sc-shop-prod).
param pipelineFederationIssuer = ''
param pipelineFederationSubject = ''
