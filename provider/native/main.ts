#!/usr/bin/env node
// `pulumi-resource-materialize-connections`: the plugin the Pulumi engine starts for the `materialize-connections`
// package. It prints the port it serves on, as every provider plugin does; the engine's address (argv) is not needed.
import * as fs from 'fs';
import * as path from 'path';
import { serve } from './server';

function packageVersion(): string {
  for (const up of ['../..', '../../..']) {
    const file = path.join(__dirname, up, 'package.json');
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')).version as string;
  }
  return '0.0.0';
}

serve(packageVersion()).then(
  ({ port }) => process.stdout.write(`${port}\n`),
  (err) => {
    process.stderr.write(`${PACKAGE_ERROR}${(err as Error).message}\n`);
    process.exit(1);
  },
);
const PACKAGE_ERROR = 'pulumi-resource-materialize-connections: cannot serve: ';
