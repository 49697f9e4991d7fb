/** @type {import('jest').Config} */
// @swc/jest transpiles TypeScript, and also turns Materialize's parser glue (ESM) into CommonJS.
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|cj)s$': swc },
  // Generous: the suites share two cores with servers and other suites, and a test must not fail for being slow
  // (jest's default of 5 s failed end-to-end tests at load 24).
  testTimeout: 60_000,
  transformIgnorePatterns: ['/node_modules/(?!@materializeinc/sql-parser/|@electric-sql/pglite/)'],
  // One shared Materialize stand-in per test run (MZ_STANDIN_URL / MZ_STANDIN_CONTROL_URL); skipped with MZ_TEST_URL.
  globalSetup: '<rootDir>/test/standin/global-setup.ts',
  globalTeardown: '<rootDir>/test/standin/global-teardown.ts',
};
module.exports = {
  projects: [
    // Needs nothing but Node: pure functions, the stand-in server, the gRPC end-to-end suites.
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/test/services/', '/test/acceptance/', '\\.cli\\.test\\.ts$'],
    },
    // Needs the real servers that scripts/services.sh starts (PostgreSQL, MariaDB, OpenSSH, moto).
    { ...common, displayName: 'services', testMatch: ['<rootDir>/test/services/**/*.test.ts'] },
    // The real Pulumi CLI (built from source by `npm run pulumi-cli`) deploying programs against a stand-in,
    // with the real servers of scripts/services.sh where a program validates.
    {
      ...common,
      displayName: 'acceptance',
      testMatch: ['<rootDir>/test/acceptance/**/*.test.ts'],
      globalSetup: '<rootDir>/test/acceptance/global-setup.ts',
    },
    // The leak harness: the real Pulumi CLI with canaries in every option that can carry a secret
    // (README "How it is tested"); needs what the acceptance project needs.
    {
      ...common,
      displayName: 'canary',
      testMatch: ['<rootDir>/test/canary/**/*.cli.test.ts'],
      globalSetup: '<rootDir>/test/acceptance/global-setup.ts',
    },
  ],
};
