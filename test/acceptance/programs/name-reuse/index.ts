// A Materialize name freed and taken in one update. Driven by stack config `version`:
//   1: Secret `old` named `shared`, and a Secret `a` named `x` beside an SSH tunnel `b` named `y`;
//   2: `old` removed and Secret `new` named `shared` (a removed resource's name taken by a new one), and in the
//      same change `a` renamed to `z` while `b` is renamed onto `x` (two independent steps, run at once).
import * as pulumi from '@pulumi/pulumi';
import * as mz from 'pulumi-materialize-connections';

const version = new pulumi.Config().requireNumber('version');

if (version === 1) new mz.Secret('old', { name: 'shared', value: pulumi.secret('name-reuse-old-value') });
else new mz.Secret('new', { name: 'shared', value: pulumi.secret('name-reuse-new-value') });

new mz.Secret('a', { name: version === 1 ? 'x' : 'z', value: pulumi.secret('name-reuse-a-value') });
new mz.SshTunnelConnection('b', { name: version === 1 ? 'y' : 'x', host: 'bastion.example.com', user: 'mz' });
