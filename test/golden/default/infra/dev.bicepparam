// Parameters of main.bicep for the dev environment.
//
// Some values are only known at deploy time. This file reads them from environment variables, so
// that one command deploys (see main.bicep):
//   AKS_ADMIN_GROUP_OBJECT_IDS
//     Entra ID groups whose members administer the cluster, comma-separated object IDs:
//     az ad group show --group '<group name>' --query id --output tsv
//   DEVOPS_INFRASTRUCTURE_OBJECT_ID
//     Object ID of the DevOpsInfrastructure service principal in your tenant (Managed DevOps Pools' service).
//     It exists once the resource provider Microsoft.DevOpsInfrastructure is registered in the subscription
//     (scripts/deploy-infra.sh registers it, then looks the object ID up when this is not set):
//     az ad sp list --display-name DevOpsInfrastructure --query "[0].id" --output tsv
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

// Required: without DEVOPS_INFRASTRUCTURE_OBJECT_ID the deployment stops here, naming it.
param devOpsInfrastructureObjectId = empty(readEnvironmentVariable('DEVOPS_INFRASTRUCTURE_OBJECT_ID', ''))
  ? fail('DEVOPS_INFRASTRUCTURE_OBJECT_ID is not set: the object ID of the DevOpsInfrastructure service principal. Export it and deploy again (see the comment at the top of this file).')
  : readEnvironmentVariable('DEVOPS_INFRASTRUCTURE_OBJECT_ID', '')

// The federated credential that lets the Azure DevOps service connection sign in as the pipeline
// identity. Nothing to fill in: scripts/bootstrap-devops.sh creates that credential itself, and the
// deployments (incremental) leave it alone while these are empty. Optionally paste the issuer and
// subject it prints (also under Project settings > Service connections > sc-contoso-dev)
// so that the Bicep owns the credential and recreates it if it is ever deleted.
param pipelineFederationIssuer = ''
param pipelineFederationSubject = ''
