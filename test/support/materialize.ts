// Where integration tests find "Materialize": a real one when MZ_TEST_URL is set, else the shared stand-in
// that test/standin/global-setup.ts started (MZ_STANDIN_URL).
export function materializeUrl(): string {
  const url = process.env.MZ_TEST_URL ?? process.env.MZ_STANDIN_URL;
  if (!url) throw new Error('no Materialize: set MZ_TEST_URL, or run under jest (globalSetup starts the stand-in)');
  return url;
}

/** True when the suites run against a real Materialize (MZ_TEST_URL), so stand-in-only checks must be skipped. */
export function isRealMaterialize(): boolean {
  return !!process.env.MZ_TEST_URL;
}
