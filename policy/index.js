// The policy pack's entry: `pulumi preview --policy-pack node_modules/pulumi-materialize-connections/policy`.
// The policies are compiled with the package (lib/pipeline/policy); README "Pipelines" lists them.
'use strict';
require('../lib/pipeline/policy/pack').serve();
