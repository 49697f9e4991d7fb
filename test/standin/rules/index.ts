// Plans a CREATE CONNECTION option list in the order of §8.3:
// references resolved, duplicates, value kinds, permitted options, per-type rules, reference kinds.
import type { ConnOption, ConnectionType } from '../ast';
import type { Catalog, Session } from '../catalog';
import { planError } from '../errors';
import { OPTIONS } from '../options';
import { planAws, planPrivatelink } from './aws';
import { planCsr } from './csr';
import { planGcp, planGlue } from './gcp';
import { planIceberg } from './iceberg';
import { planKafka } from './kafka';
import { Opts } from './opts';
import { checkReferenceKind, REF_KIND } from './refs';
import { planSsh } from './ssh';
import { planMysql, planPostgres, planSqlServer } from './sql';
import { checkValueKind, resolveReferences } from './values';

const PER_TYPE: Record<ConnectionType, (o: Opts, cat: Catalog) => void> = {
  AWS: planAws,
  'AWS PRIVATELINK': planPrivatelink,
  KAFKA: planKafka,
  'CONFLUENT SCHEMA REGISTRY': planCsr,
  POSTGRES: planPostgres,
  MYSQL: planMysql,
  'SQL SERVER': planSqlServer,
  'SSH TUNNEL': planSsh,
  'ICEBERG CATALOG': planIceberg,
  GCP: planGcp,
  'AWS GLUE SCHEMA REGISTRY': planGlue,
};

/** §1.3: `<TYPE> connections do not support <OPT>[, <OPT> ...] values`. */
export function checkPermitted(type: ConnectionType, names: string[]): void {
  const bad = names.filter((n) => !OPTIONS[n].types.includes(type));
  if (bad.length) throw planError(`${type} connections do not support ${[...new Set(bad)].join(', ')} values`);
}

/** The references the per-type rules have not checked already (a Kafka connection checks its own, in order). */
function checkReferenceKinds(cat: Catalog, options: ConnOption[]): void {
  for (const o of options) {
    const v = o.value!;
    if (REF_KIND[o.name] && (v.t === 'object' || v.t === 'privatelink')) checkReferenceKind(cat, v.id, o.name);
    const brokers = v.t === 'broker' ? [v] : v.t === 'seq' ? v.items : [];
    for (const b of brokers)
      if (b.t === 'broker' && b.tunnel)
        checkReferenceKind(cat, b.tunnel.id, b.tunnel.kind === 'ssh' ? 'SSH TUNNEL' : 'AWS PRIVATELINK');
      else if (b.t === 'rule') checkReferenceKind(cat, b.tunnel.id, 'AWS PRIVATELINK');
  }
}

export function planConnectionOptions(
  cat: Catalog,
  session: Session,
  type: ConnectionType,
  options: ConnOption[],
): ConnOption[] {
  resolveReferences({ cat, session }, options);
  const seen = new Set<string>();
  for (const o of options) {
    if (seen.has(o.name)) throw planError(`${o.name} specified more than once`);
    seen.add(o.name);
  }
  for (const o of options) checkValueKind({ cat, session }, o);
  checkPermitted(
    type,
    options.map((o) => o.name),
  );
  const opts = new Opts(options);
  PER_TYPE[type](opts, cat);
  checkReferenceKinds(cat, options);
  return options;
}
