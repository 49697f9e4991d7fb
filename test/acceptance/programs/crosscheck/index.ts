import * as pulumi from '@pulumi/pulumi';
import * as mz from 'pulumi-materialize-connections';
import { crosscheckResources } from './resources';

const phase = new pulumi.Config().get('phase') === 'update' ? 'update' : 'create';
const out = crosscheckResources(pulumi, mz, phase);
export const pg = out.pg;
export const tunnel = out.tunnel;
