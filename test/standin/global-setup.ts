// Jest globalSetup: starts ONE shared stand-in per test run on an ephemeral port and exports
// MZ_STANDIN_URL / MZ_STANDIN_CONTROL_URL (workers inherit the parent's environment). Wired into both jest
// projects; the second call finds the running instance and does nothing. With MZ_TEST_URL set (a real
// Materialize), it starts nothing.
import * as fs from 'fs';
import * as path from 'path';
import { startStandin, type Standin } from './index';

const g = globalThis as unknown as { __mzStandin?: Standin };

function motoUrl(): string | undefined {
  if (process.env.SVC_MOTO_URL) return process.env.SVC_MOTO_URL;
  const file = path.resolve(__dirname, '../../.services/env');
  if (!fs.existsSync(file)) return undefined;
  return /SVC_MOTO_URL=(\S+)/.exec(fs.readFileSync(file, 'utf8'))?.[1];
}

export default async function globalSetup(): Promise<void> {
  if (g.__mzStandin || process.env.MZ_TEST_URL) return;
  const s = await startStandin({ port: 0, awsIamEndpoint: motoUrl() });
  g.__mzStandin = s;
  process.env.MZ_STANDIN_URL = s.url;
  process.env.MZ_STANDIN_CONTROL_URL = s.controlUrl;
}
