// Parameters of main.bicep for the dev environment.
//
// Some values are only known at deploy time. This file reads them from environment variables, so
// that one command deploys (see main.bicep):
//   AKS_ADMIN_GROUP_OBJECT_IDS
//     Entra ID groups whose members administer the cluster, comma-separated object IDs:
//     az ad group show --group '<group name>' --query id --output tsv
//   DEVOPS_INFRASTRUCTURE_OBJECT_ID
//     Object ID of the DevOpsInfrastructure service principal in your tenant (Managed DevOps Pools' service):
//     az ad sp list --display-name DevOpsInfrastructure --query [0].id --output tsv
// None of them is a secret: you may also replace readEnvironmentVariable(...) below with the value
// and commit it. The pipeline deploys this file too: define pipeline variables with these names, or
// commit the values.

using 'main.bicep'

param location = 'westeurope'

// Required: the deployment stops here if AKS_ADMIN_GROUP_OBJECT_IDS is not set.
param adminGroupObjectIds = empty(readEnvironmentVariable('AKS_ADMIN_GROUP_OBJECT_IDS', ''))
  ? []
  : split(readEnvironmentVariable('AKS_ADMIN_GROUP_OBJECT_IDS', ''), ',')

// Required: the deployment stops here if DEVOPS_INFRASTRUCTURE_OBJECT_ID is not set.
param devOpsInfrastructureObjectId = readEnvironmentVariable('DEVOPS_INFRASTRUCTURE_OBJECT_ID', '')

// The federated credential that lets the Azure DevOps service connection sign in as the pipeline
// identity. Empty until the service connection exists: scripts/bootstrap-devops.sh creates it and
// prints both values (also under Project settings > Service connections > sc-contoso-dev).
param pipelineFederationIssuer = ''
param pipelineFederationSubject = ''
