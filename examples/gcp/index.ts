// CREATE CONNECTION ... TO GCP, and an Iceberg REST catalog on Google BigLake authenticated by it
// (create-connection#gcp; gcp-connection-validation.td):
//
//   CREATE SECRET gcp_sa_key AS decode('<sa_key_json_base64>', 'base64');
//   CREATE CONNECTION gcp_conn TO GCP (SERVICE ACCOUNT KEY = SECRET gcp_sa_key);
//   CREATE CONNECTION biglake TO ICEBERG CATALOG (
//       CATALOG TYPE = 'rest', URL = 'https://biglake.googleapis.com/iceberg/v1/restcatalog',
//       GCP CONNECTION = gcp_conn, WAREHOUSE = 'gs://my-bucket', ACCESS DELEGATION = 'vended-credentials'
//   );
//
// Materialize does not validate a GCP connection on creation unless asked, and every option of it can
// change in place (ALTER CONNECTION ... SET). A rest catalog takes a GCP connection *instead of* a
// credential; its URL must then be the BigLake endpoint, and STORAGE PROVIDER, if given, must be 'gcs'.
// Iceberg on BigLake is in private preview; the placeholder bucket here sets `validate: false`.
//
// Config: serviceAccountKey (secret, required: the JSON of `gcloud iam service-accounts keys create`);
// warehouse (optional, gs://<bucket>).
import * as pulumi from '@pulumi/pulumi';
import { GcpConnection, IcebergCatalogConnection, Secret } from 'pulumi-materialize-connections';

const config = new pulumi.Config();

const key = new Secret('gcp_sa_key', {
  name: 'gcp_sa_key',
  value: pulumi.secret(config.requireSecret('serviceAccountKey')),
});
const gcp = new GcpConnection('gcp_conn', { name: 'gcp_conn', serviceAccountKey: key });

const bigLake = new IcebergCatalogConnection('biglake', {
  name: 'biglake',
  catalogType: 'rest',
  url: 'https://biglake.googleapis.com/iceberg/v1/restcatalog',
  gcpConnection: gcp,
  warehouse: config.get('warehouse') ?? 'gs://my-bucket',
  accessDelegation: 'vended-credentials',
  validate: false, // placeholder bucket (see the top of this file)
});

export const connections = [gcp.qualifiedName, bigLake.qualifiedName];
export const plannedSql = { gcp: gcp.plannedSql, bigLake: bigLake.plannedSql };
