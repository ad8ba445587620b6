/**
 * Lets a child Node process (the server of the soak tests) require the TypeScript sources directly:
 * each .ts file is transpiled on load with the project's compiler options, design types included.
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');
const { compilerOptions } = require('../../../tsconfig.json');

const options = { ...ts.convertCompilerOptionsFromJson(compilerOptions, path.join(__dirname, '../../..')).options, sourceMap: false };

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  module._compile(ts.transpileModule(source, { compilerOptions: options, fileName: filename }).outputText, filename);
};
