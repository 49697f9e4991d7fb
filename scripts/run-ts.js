#!/usr/bin/env node
// Runs a TypeScript entry point without a build step, with the same swc transform the tests use.
const { transformSync } = require('@swc/core');
const fs = require('fs');
const path = require('path');
const Module = require('module');
const compile = Module.prototype._compile;
require.extensions['.ts'] = function (module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  compile.call(module, code, filename);
};
const entry = path.resolve(process.argv[2]);
process.argv.splice(1, 2, entry);
require(entry);
