/**
 * The toolchain matrix as data: which compilers and bundlers build the getting-started app, and what each
 * combination is expected to do. matrix.test.ts runs every row against the packed package; the table
 * rendered from these rows is in docs/getting-started.md (test/docs.test.ts keeps the two equal).
 */

/** One `npm install` shared by the rows that name it: the packed switchboard plus these toolchains. */
export const INSTALLS = {
  'tsc 5.9': { typescript: '~5.9.0' },
  'tsc 6.0': { typescript: '~6.0.0' },
  // TypeScript 7 (the native compiler) also hosts the bundlers: one install fewer.
  'tsc 7.0': { typescript: '^7.0.0', tsx: '^4.23.0', esbuild: '^0.28.0' },
} as const satisfies Record<string, Record<string, string>>;

export type InstallName = keyof typeof INSTALLS;

/**
 * The project files a row takes from docs/getting-started.md (`<!-- file: … -->` blocks) and the program
 * it builds (`<!-- program: … -->`).
 */
export const PROJECTS = {
  esm: { packageJson: 'esm/package.json', tsconfig: 'esm/tsconfig.json', program: 'getting-started' },
  commonjs: { packageJson: 'commonjs/package.json', tsconfig: 'commonjs/tsconfig.json', program: 'getting-started-cjs' },
  standard: { packageJson: 'esm/package.json', tsconfig: 'standard/tsconfig.json', program: 'getting-started-standard' },
} as const;

export type ProjectName = keyof typeof PROJECTS;

/** A command: `npm run <script>` of the project's package.json, or a program with its arguments. */
export type Command = { readonly script: 'build' | 'start' } | { readonly argv: readonly string[] };

export interface Row {
  /** Unique; also the test's name. */
  readonly name: string;
  readonly install: InstallName;
  readonly project: ProjectName;
  /** The table's first column: the compiler or bundler. */
  readonly toolchain: string;
  readonly build: Command | null;
  readonly run: Command;
}

// --target: without it esbuild leaves standard decorators as they are written, which Node cannot parse.
const ESBUILD_NODE = ['esbuild', 'src/main.ts', '--bundle', '--platform=node', '--target=node20', '--outfile=dist/main.js'];
/** An ES-module bundle that contains CommonJS code needs a `require`: esbuild's documented banner. */
const REQUIRE_BANNER = "--banner:js=import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";
const NODE_DIST = { argv: ['node', '--enable-source-maps', 'dist/main.js'] };
const TSX = { argv: ['tsx', 'src/main.ts'] };

const tsc = (version: InstallName): Row[] =>
  (['esm', 'commonjs', 'standard'] as const).map((project) => ({
    name: `${version}, ${project}`,
    install: version,
    project,
    toolchain: version,
    build: { script: 'build' },
    run: { script: 'start' },
  }));

export const ROWS: readonly Row[] = [
  ...tsc('tsc 5.9'),
  ...tsc('tsc 6.0'),
  ...tsc('tsc 7.0'),
  { name: 'tsx, esm', install: 'tsc 7.0', project: 'esm', toolchain: 'tsx', build: null, run: TSX },
  { name: 'tsx, commonjs', install: 'tsc 7.0', project: 'commonjs', toolchain: 'tsx', build: null, run: TSX },
  { name: 'tsx, standard', install: 'tsc 7.0', project: 'standard', toolchain: 'tsx', build: null, run: TSX },
  {
    name: 'esbuild --packages=external, esm',
    install: 'tsc 7.0',
    project: 'esm',
    toolchain: 'esbuild',
    build: { argv: [...ESBUILD_NODE, '--format=esm', '--packages=external'] },
    run: NODE_DIST,
  },
  {
    name: 'esbuild --packages=external, standard',
    install: 'tsc 7.0',
    project: 'standard',
    toolchain: 'esbuild',
    build: { argv: [...ESBUILD_NODE, '--format=esm', '--packages=external'] },
    run: NODE_DIST,
  },
  {
    name: 'esbuild full bundle, commonjs',
    install: 'tsc 7.0',
    project: 'commonjs',
    toolchain: 'esbuild',
    build: { argv: [...ESBUILD_NODE, '--format=cjs', '--external:uWebSockets.js'] },
    run: NODE_DIST,
  },
  {
    name: 'esbuild full bundle, esm, require banner',
    install: 'tsc 7.0',
    project: 'esm',
    toolchain: 'esbuild',
    build: { argv: [...ESBUILD_NODE, '--format=esm', '--external:uWebSockets.js', REQUIRE_BANNER] },
    run: NODE_DIST,
  },
  {
    name: 'esbuild full bundle, esm, no banner',
    install: 'tsc 7.0',
    project: 'esm',
    toolchain: 'esbuild',
    build: { argv: [...ESBUILD_NODE, '--format=esm', '--external:uWebSockets.js'] },
    run: NODE_DIST,
  },
];

/** A failure the matrix asserts: at which step, and the error it gives. */
export interface ExpectedFailure {
  readonly step: 'build' | 'run';
  /** Part of one line of the step's output (stdout or stderr); docs/getting-started.md quotes it. */
  readonly error: string;
  /** Why, in the words of the table. */
  readonly why: string;
}

/** Combinations that cannot work, whatever switchboard does; docs/getting-started.md says why. */
export const CANNOT_WORK: Readonly<Record<string, ExpectedFailure>> = {
  'esbuild full bundle, esm, no banner': {
    step: 'run',
    // Which built-in it names depends on the bundle's module order, so only the start is asserted.
    error: 'Error: Dynamic require of "node:',
    why: 'no: the bundle has no `require` (add the banner)',
  },
};

/** What a row is expected to do: answer (null), or fail as given. */
export function expectedFailure(row: Row): ExpectedFailure | null {
  return CANNOT_WORK[row.name] ?? null;
}

/**
 * Whether the row's build keeps TypeScript's design types: only tsc with `emitDecoratorMetadata` does.
 * Without them the getting-started app's handlers are positional, and register() says so in one line.
 */
export function hasDesignTypes(row: Row): boolean {
  return row.toolchain.startsWith('tsc') && row.project !== 'standard';
}

const DECORATORS: Record<ProjectName, string> = { esm: 'experimental', commonjs: 'experimental', standard: 'standard' };
const MODULE: Record<ProjectName, string> = { esm: 'ESM', commonjs: 'CommonJS', standard: 'ESM' };

/** Flags every esbuild or node command of the matrix has, left out of the table (its text says so). */
const COMMON = new Set(['--platform=node', '--target=node20', '--outfile=dist/main.js', '--enable-source-maps']);

function show(command: Command): string {
  if ('script' in command) return command.script === 'start' ? '`npm start`' : '`npm run build`';
  const shown = command.argv.filter((a) => !COMMON.has(a)).map((a) => (a.startsWith('--banner') ? '--banner:js=…' : a));
  return '`' + shown.join(' ') + '`';
}

/** The table of docs/getting-started.md, one line per row. */
export function matrixTable(rows: readonly Row[] = ROWS): string {
  const lines = [
    '| toolchain | decorators | package | build, run | design types | answers |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => {
      const failure = expectedFailure(row);
      const commands = [row.build, row.run].flatMap((c) => (c === null ? [] : [show(c)])).join(', ');
      const design = hasDesignTypes(row) ? 'yes' : 'no';
      return `| ${row.toolchain} | ${DECORATORS[row.project]} | ${MODULE[row.project]} | ${commands} | ${design} | ${failure === null ? 'yes' : failure.why} |`;
    }),
  ];
  return lines.join('\n') + '\n';
}
