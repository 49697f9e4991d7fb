// Preloaded into the dynamic-provider process by test/install/smoke.ts (NODE_OPTIONS=--require): reports on
// stderr (which the test engine records) the file each of the watched requests resolved to, so the smoke test
// can check that the provider process ran the installed package, and the installed package's dependencies.
'use strict';
const Module = require('module');

const WATCHED = new Set(['pulumi-materialize-connections/provider', 'pg']);
const seen = new Set();
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const file = resolve.call(this, request, parent, ...rest);
  if (WATCHED.has(request) && !seen.has(request)) {
    seen.add(request);
    process.stderr.write(`[install-smoke] ${JSON.stringify({ request, file })}\n`);
  }
  return file;
};
