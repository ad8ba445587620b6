/**
 * Jest transform that compiles each file alone (ts.transpileModule), as esbuild, tsx or swc do, in one of
 * two decorator modes given in jest.config.js:
 * - `{ decorators: 'experimental' }`: experimentalDecorators without emitDecoratorMetadata (no design types);
 * - `{ decorators: 'standard' }`: TC39 standard decorators (no experimentalDecorators at all).
 * ts-jest is not used here because its compiler instances are shared within a worker, and a file compiled
 * under the main tsconfig leaked design types into these tests.
 */
const ts = require('typescript');
const { compilerOptions } = require('../tsconfig.json');

const base = ts.convertCompilerOptionsFromJson(compilerOptions, __dirname).options;

/** The compiler options of a mode. */
function optionsOf(decorators) {
  if (decorators !== 'experimental' && decorators !== 'standard')
    throw new Error(`transpile-transform: decorators must be 'experimental' or 'standard', got ${decorators}`);
  return {
    ...base,
    experimentalDecorators: decorators === 'experimental',
    emitDecoratorMetadata: false,
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: true,
  };
}

module.exports = {
  process(source, filename, { transformerConfig }) {
    return { code: ts.transpileModule(source, { compilerOptions: optionsOf(transformerConfig.decorators), fileName: filename }).outputText };
  },
  getCacheKey(source, filename, { transformerConfig }) {
    return require('node:crypto')
      .createHash('sha256')
      .update(`transpile-1\0${transformerConfig.decorators}\0${ts.version}\0${filename}\0${source}`)
      .digest('hex');
  },
};
