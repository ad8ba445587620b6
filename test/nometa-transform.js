/**
 * Jest transform for *.nometa.test.ts: plain per-file transpilation without emitDecoratorMetadata, as
 * esbuild, tsx or swc compile. ts-jest is not used here because its compiler instances are shared
 * within a worker, and a file compiled under the main tsconfig leaked design types into these tests.
 */
const ts = require('typescript');
const { compilerOptions } = require('../tsconfig.json');

const options = {
  ...ts.convertCompilerOptionsFromJson(compilerOptions, __dirname).options,
  emitDecoratorMetadata: false,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: true,
};

module.exports = {
  process(source, filename) {
    return { code: ts.transpileModule(source, { compilerOptions: options, fileName: filename }).outputText };
  },
  getCacheKey(source, filename) {
    return require('node:crypto').createHash('sha256').update(`nometa-1\0${ts.version}\0${filename}\0${source}`).digest('hex');
  },
};
