// Jest globalTeardown: stops the shared stand-in (idempotent across the two projects).
import type { Standin } from './index';

const g = globalThis as unknown as { __mzStandin?: Standin };

export default async function globalTeardown(): Promise<void> {
  const s = g.__mzStandin;
  if (!s) return;
  g.__mzStandin = undefined;
  await s.close();
}
