/**
 * The toolchain matrix (`npm run test:toolchains`, run by CI, not by `npm test`): the packed package,
 * installed from the registry beside TypeScript 5.9, 6 and 7, tsx and esbuild in a directory outside the
 * repository, must build and run the getting-started app and answer a WebSocket message; the docs'
 * programs must type-check; the published types and stack traces must stand on their own.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { programs } from '../doc-blocks';
import { connect, eventually, within } from '../helpers';
import { hasErrorLine, launch, openWorkshop, PAGE, REPO, run, type Output, type Running, type Workshop } from './project';
import { missing } from '../external';
import { RedisServer } from '../redis-server';
import { DOC_RUNS, STATIC_FILES, type Exchange } from './doc-runs';
import { expectedFailure, hasDesignTypes, INSTALLS, PROJECTS, ROWS, type Command, type InstallName, type Row } from './rows';

const BUILD_MS = 120_000;
const START_MS = 30_000;
const STOP_MS = 10_000;

let opened: Promise<Workshop> | null = null;
/** One workshop for the whole file, opened by the first test that needs it (concurrent tests share it). */
const workshop = (): Promise<Workshop> => (opened ??= openWorkshop());

afterAll(async () => {
  if (opened !== null) (await opened).remove();
});

const GETTING_STARTED = readFileSync(join(REPO, 'docs', 'getting-started.md'), 'utf8');

function succeeded(out: Output, what: string): void {
  if (out.code !== 0) throw new Error(`${what} exited with ${out.code ?? out.signal}:\n${out.text}`);
}

/** The failure asserted, and quoted word for word by docs/getting-started.md. */
function failedWith(out: Output, error: string, what: string): void {
  if (out.code === 0) throw new Error(`${what} was expected to fail with "${error}", but succeeded:\n${out.text}`);
  if (!hasErrorLine(out.text, error)) throw new Error(`${what} was expected to fail with "${error}"; it printed:\n${out.text}`);
  expect(GETTING_STARTED).toContain(error);
}

function argv(command: Command, w: Workshop, row: Row, dir: string): string[] {
  if ('argv' in command) {
    const [program, ...args] = command.argv;
    return [program === 'node' ? process.execPath : w.bin(row.install, program!), ...args];
  }
  if (command.script === 'build') return ['npm', 'run', '--silent', 'build'];
  // `npm start` runs this line; run it directly, so that SIGINT reaches the app and not npm.
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [program, ...args] = manifest.scripts.start.split(' ');
  return [program === 'node' ? process.execPath : program!, ...args];
}

/** The port from the app's `listening on http://localhost:<port>` line; rejects if the app ends first. */
async function listening(app: Running): Promise<number> {
  let ended: Output | null = null;
  void app.exited.then((out) => (ended = out));
  const line = /listening on http:\/\/localhost:(\d+)/;
  await eventually(() => ended !== null || line.test(app.text()), 'the app to print "listening on http://localhost:<port>"', START_MS);
  if (ended !== null) throw new Error(`The app exited before listening:\n${(ended as Output).text}`);
  return Number(line.exec(app.text())![1]);
}

/** The line register() logs for the first app's Chat when it is compiled without design types. */
const POSITIONAL_NOTICE = 'switchboard: Chat has no design types (compiled without emitDecoratorMetadata, or with standard decorators), so Chat.message takes';

/** The getting-started app answers: its page from public/, the welcome and the echo over WebSocket. */
async function answers(port: number): Promise<void> {
  const page = await fetch(`http://127.0.0.1:${port}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toBe(PAGE);
  const client = await connect(`ws://127.0.0.1:${port}/ws/7`);
  expect(await client.next()).toBe('Welcome, client #7');
  client.send('hi');
  expect(await client.next()).toBe('You wrote: hi');
  await client.close(1000);
}

describe('the getting-started app, built and run by each toolchain', () => {
  test.concurrent.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const w = await workshop();
    const program = programs(w.blocks).get(PROJECTS[row.project].program);
    if (program === undefined) throw new Error(`docs/getting-started.md has no program ${PROJECTS[row.project].program}`);
    const dir = w.project(row.install, row.name.replace(/\W+/g, '-'), row.project, { 'src/main.ts': program.code, 'public/index.html': PAGE });
    const expected = expectedFailure(row);
    if (row.build !== null) {
      const built = await run(argv(row.build, w, row, dir), dir, BUILD_MS);
      if (expected?.step === 'build') return failedWith(built, expected.error, `${row.name}: the build`);
      succeeded(built, `${row.name}: the build`);
    }
    const app = launch(argv(row.run, w, row, dir), dir);
    try {
      if (expected?.step === 'run') return failedWith(await within(app.exited, 'the app to exit', START_MS), expected.error, `${row.name}: the app`);
      if (expected !== null) throw new Error(`${row.name}: an expected failure at step ${expected.step} that the build did not give`);
      await answers(await listening(app));
      // Without design types the first app's @OnMessage() is positional, and register() said so (docs/getting-started.md);
      // the standard decorators program says `as`, so it has nothing to say.
      const positional = !hasDesignTypes(row) && row.project !== 'standard';
      expect({ row: row.name, notice: app.text().includes(POSITIONAL_NOTICE) }).toEqual({ row: row.name, notice: positional });
      // The app's handler closes it gracefully: the process must end by itself, with 0. tsx's CLI runs the app as
      // its child and relays a signal it gets itself with a 30 ms handshake, killing the app (exit 130) when a busy
      // machine misses it; so under tsx the app alone gets the SIGINT, and tsx ends with the app's exit code.
      if (row.toolchain === 'tsx') app.signalChildren('SIGINT');
      else app.signal('SIGINT');
      succeeded(await within(app.exited, 'the app to exit after SIGINT', STOP_MS), `${row.name}: the app`);
    } finally {
      app.signal('SIGKILL');
    }
  });
});

/** A project of the install's own (package.json and tsconfig.json as given), type-checked by its tsc. */
async function typecheck(w: Workshop, install: InstallName, name: string, files: Record<string, unknown>): Promise<Output> {
  const dir = join(w.dir(install), name);
  const sources = Object.fromEntries(Object.entries(files).map(([file, value]) => [file, typeof value === 'string' ? value : JSON.stringify(value)]));
  w.project(install, name, 'esm', sources);
  return run([w.bin(install, 'tsc'), '-p', '.', '--noEmit'], dir, BUILD_MS);
}

const INSTALL_NAMES = Object.keys(INSTALLS) as InstallName[];

describe('the docs: every program in README.md and docs/*.md type-checks with the getting-started tsconfig', () => {
  test.concurrent.each(INSTALL_NAMES)('%s', async (install) => {
    const w = await workshop();
    for (const module of ['esm', 'commonjs'] as const) {
      const chosen = [...programs(w.blocks).values()].filter((p) => p.marker.module === module);
      const sources = Object.fromEntries(chosen.map((p) => [`src/${p.marker.name}.ts`, p.code]));
      const dir = w.project(install, `docs-${module}`, module, sources);
      const out = await run([w.bin(install, 'tsc'), '-p', '.', '--noEmit'], dir, BUILD_MS);
      succeeded(out, `tsc (${module}) on ${chosen.map((p) => p.where).join(', ')}`);
    }
  });
});

describe('the docs under standard decorators: the programs for both modes type-check, those marked (experimental decorators) do not', () => {
  test.concurrent.each(INSTALL_NAMES)('%s', async (install) => {
    const w = await workshop();
    const esm = [...programs(w.blocks).values()].filter((p) => p.marker.module === 'esm');
    const both = esm.filter((p) => p.marker.decorators === 'both');
    const dir = w.project(install, 'docs-standard', 'standard', Object.fromEntries(both.map((p) => [`src/${p.marker.name}.ts`, p.code])));
    succeeded(await run([w.bin(install, 'tsc'), '-p', '.', '--noEmit'], dir, BUILD_MS), `tsc (standard) on ${both.map((p) => p.where).join(', ')}`);
    const experimental = esm.filter((p) => p.marker.decorators === 'experimental');
    const only = w.project(install, 'docs-experimental-only', 'standard', Object.fromEntries(experimental.map((p) => [`src/${p.marker.name}.ts`, p.code])));
    const out = await run([w.bin(install, 'tsc'), '-p', '.', '--noEmit'], only, BUILD_MS);
    // TS1206: a parameter decorator; TS1241: a handler whose parameters are not what the position passes.
    const refused = experimental.map((p) => ({
      program: p.where,
      refused: new RegExp(`src/${p.marker.name}\\.ts\\(\\d+,\\d+\\): error TS12(06|41)`).test(out.text),
    }));
    expect(refused).toEqual(experimental.map((p) => ({ program: p.where, refused: true })));
  });
});

/** Loaded before a program (`node --import`): every listen() takes a free port and prints it. */
const LISTEN_ON_FREE_PORT = `import { App } from 'switchboard';
const listen = App.prototype.listen;
App.prototype.listen = async function (_port, host) {
  const bound = await listen.call(this, 0, host);
  console.log('doc program listening on ' + bound.port);
  return bound;
};
`;

/** The port the program printed through LISTEN_ON_FREE_PORT; rejects if it ends first. */
async function programPort(app: Running): Promise<number> {
  let ended: Output | null = null;
  void app.exited.then((out) => (ended = out));
  const line = /doc program listening on (\d+)/;
  await eventually(() => ended !== null || line.test(app.text()), 'the program to listen', START_MS);
  if (ended !== null) throw new Error(`The program exited before listening:\n${(ended as Output).text}`);
  return Number(line.exec(app.text())![1]);
}

/**
 * Sends the exchange's message once open and reads frames until the reply: what a program sends first (a
 * welcome) is passed over. Resolves with 'as expected', or with the frames (or the failure) instead.
 */
async function exchange(port: number, x: Exchange): Promise<string> {
  const seen: string[] = [];
  try {
    const client = await connect(`ws://127.0.0.1:${port}${x.path}`, { headers: { ...x.headers } });
    try {
      client.send(x.send);
      for (let i = 0; i < 3; i++) {
        const frame = await client.next();
        const text = typeof frame === 'string' ? frame : `<binary ${frame.byteLength} bytes>`;
        if (x.reply.test(text) && !text.includes('"error":')) return 'as expected';
        seen.push(text);
      }
    } finally {
      await client.close(1000);
    }
  } catch (error) {
    seen.push(String(error));
  }
  return seen.join(' | ');
}

describe('the docs: every server program answers one message, in each decorator mode it is written for', () => {
  // One redis-server for the programs on a RedisBus (they read REDIS_URL), when it is installed.
  const noRedis = missing('redis-server');
  let redis: Promise<RedisServer> | null = null;
  const redisUrl = async (): Promise<string> => (await (redis ??= RedisServer.start())).url;
  afterAll(async () => {
    if (redis !== null) await (await redis).stop();
  });
  if (noRedis !== null) process.stderr.write(`\nThe docs' programs on a RedisBus are not run: ${noRedis}\n\n`);

  test('every program has an entry in doc-runs.ts', async () => {
    const w = await workshop();
    expect([...programs(w.blocks).keys()].filter((name) => DOC_RUNS[name] === undefined)).toEqual([]);
  });

  test.concurrent.each(['esm', 'standard'] as const)('%s', async (project) => {
    const w = await workshop();
    // Built together, as the docs' programs import one another ('./chat.api.js'); run one by one.
    const built = [...programs(w.blocks).values()].filter((p) => p.marker.module === 'esm' && (project === 'esm' || p.marker.decorators === 'both'));
    const chosen = built.filter((p) => {
      const entry = DOC_RUNS[p.marker.name]!;
      return !('notRun' in entry) && !('redis' in entry && noRedis !== null);
    });
    const sources = Object.fromEntries(built.map((p) => [`src/${p.marker.name}.ts`, p.code]));
    const dir = w.project('tsc 7.0', `docs-run-${project}`, project, {
      ...sources,
      ...STATIC_FILES,
      'public/index.html': PAGE,
      'listen.mjs': LISTEN_ON_FREE_PORT,
    });
    succeeded(await run(['npm', 'run', '--silent', 'build'], dir, BUILD_MS), `tsc (${project}) on the docs' programs`);
    const results: { program: string; answer: string }[] = [];
    for (const p of chosen) {
      const entry = DOC_RUNS[p.marker.name]!;
      const program = `dist/${p.marker.name}.js`;
      if ('nodeTest' in entry) {
        const out = await run([process.execPath, '--test', program], dir, START_MS);
        results.push({ program: p.where, answer: out.code === 0 ? 'tests pass' : out.text });
        continue;
      }
      const env: Record<string, string> = 'redis' in entry ? { REDIS_URL: await redisUrl() } : {};
      const app = launch([process.execPath, '--import', './listen.mjs', program], dir, env);
      try {
        const port = await programPort(app);
        if ('http' in entry) {
          const status = (await fetch(`http://127.0.0.1:${port}${entry.http.path}`)).status;
          results.push({ program: p.where, answer: status === entry.http.status ? 'as expected' : `HTTP ${status}` });
        } else if ('ws' in entry) {
          results.push({ program: p.where, answer: await exchange(port, entry.ws) });
        }
      } catch (error) {
        results.push({ program: p.where, answer: String(error) });
      } finally {
        app.signal('SIGKILL');
        await app.exited;
      }
    }
    const expected = results.map((r) => ({ program: r.program, answer: r.answer === 'tests pass' ? 'tests pass' : 'as expected' }));
    expect(results).toEqual(expected);
  });
});

describe('the published types stand alone', () => {
  const chat = (w: Workshop): string => programs(w.blocks).get('getting-started')!.code;
  const redis = "import { RedisBus } from 'switchboard/redis';\nexport const bus = new RedisBus({ url: 'redis://127.0.0.1:6379' });\n";

  // TypeScript 6 and 7 default to "types": [] and skipLibCheck off; 5.9 is told so.
  test.concurrent('tsc 5.9: "types": [] and skipLibCheck off', async () => {
    const w = await workshop();
    const compilerOptions = {
      module: 'nodenext',
      target: 'es2022',
      strict: true,
      types: [],
      skipLibCheck: false,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    };
    const out = await typecheck(w, 'tsc 5.9', 'types-empty', { 'src/main.ts': chat(w), 'src/redis.ts': redis, 'tsconfig.json': { compilerOptions } });
    succeeded(out, 'tsc with "types": []');
  });

  test.concurrent.each(['tsc 6.0', 'tsc 7.0'] as const)("%s: the compiler's defaults plus the two decorator options", async (install) => {
    const w = await workshop();
    const compilerOptions = { experimentalDecorators: true, emitDecoratorMetadata: true };
    const out = await typecheck(w, install, 'types-defaults', { 'src/main.ts': chat(w), 'src/redis.ts': redis, 'tsconfig.json': { compilerOptions } });
    succeeded(out, 'tsc with its defaults');
  });
});

describe('the package ships what its source maps name', () => {
  const installed = async (): Promise<string> => join((await workshop()).dir('tsc 7.0'), 'node_modules', 'switchboard');

  test.concurrent('every source of every .map is in the package, and no test, example or benchmark is', async () => {
    const root = await installed();
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' });
    const maps = files.filter((f) => f.endsWith('.map'));
    expect(maps).toEqual(expect.arrayContaining(['dist/lib/index.js.map', 'dist/lib/index.d.ts.map', 'dist/lib/app.js.map']));
    const missing = maps.flatMap((map) => {
      const { sources, sourceRoot = '' } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[]; sourceRoot?: string };
      return sources.map((s) => resolve(root, dirname(map), sourceRoot, s)).filter((s) => !existsSync(s));
    });
    expect(missing).toEqual([]);
    expect(files.filter((f) => /\.test\.|^(test|examples|benchmarks)\/|^dist\/(examples|benchmarks)/.test(f))).toEqual([]);
  });

  test.concurrent('a thrown error points at the shipped .ts with --enable-source-maps, and at the shipped .js without', async () => {
    const w = await workshop();
    const dir = w.project('tsc 7.0', 'stack', 'esm', {
      'trace.mjs': "import { App } from 'switchboard';\ntry { new App({ routes: 'Chat' }); } catch (error) { console.log(error.stack); }\n",
    });
    const frames = (out: Output): { file: string; line: number }[] =>
      [...out.text.matchAll(/\((\/[^()]*\/node_modules\/switchboard\/[^():]+):(\d+):\d+\)/g)].map(([, file, line]) => ({ file: file!, line: Number(line) }));
    const lineOf = (frame: { file: string; line: number }): string => readFileSync(frame.file, 'utf8').split('\n')[frame.line - 1] ?? '';

    const mapped = await run([process.execPath, '--enable-source-maps', 'trace.mjs'], dir, START_MS);
    succeeded(mapped, 'node --enable-source-maps');
    const tsFrames = frames(mapped);
    expect(tsFrames.length).toBeGreaterThan(0);
    for (const frame of tsFrames) expect(frame.file).toMatch(/\/node_modules\/switchboard\/lib\/[\w/-]+\.ts$/);
    const inApp = tsFrames.find((f) => f.file.endsWith('/switchboard/lib/app.ts'));
    expect(inApp === undefined ? '' : lineOf(inApp)).toContain("invalidArgument('new App(options)', 'routes'");

    const plain = await run([process.execPath, 'trace.mjs'], dir, START_MS);
    succeeded(plain, 'node');
    const jsFrames = frames(plain);
    expect(jsFrames.length).toBeGreaterThan(0);
    for (const frame of jsFrames)
      expect({ file: frame.file, exists: existsSync(frame.file) }).toEqual({ file: expect.stringMatching(/\/dist\/lib\/[\w/-]+\.js$/), exists: true });
  });
});

describe('troubleshooting: the errors docs/getting-started.md quotes are the ones these mistakes give', () => {
  test.concurrent('a type imported without `type` under verbatimModuleSyntax: TS1484', async () => {
    const w = await workshop();
    const source = "import { UpgradeRequest } from 'switchboard';\nexport const url = (req: UpgradeRequest): string => req.url;\n";
    const out = await typecheck(w, 'tsc 7.0', 'ts1484', { 'src/main.ts': source });
    failedWith(out, "error TS1484: 'UpgradeRequest' is a type and must be imported using a type-only import when 'verbatimModuleSyntax' is enabled.", 'tsc');
  });

  test.concurrent("Node's globals without Node's types in the program: TS2591", async () => {
    const w = await workshop();
    const compilerOptions = { module: 'nodenext', types: [], noEmit: true };
    const out = await typecheck(w, 'tsc 7.0', 'ts2591', {
      'src/main.ts': "export const size = Buffer.byteLength('hi');\n",
      'tsconfig.json': { compilerOptions },
    });
    failedWith(
      out,
      "error TS2591: Cannot find name 'Buffer'. Do you need to install type definitions for node? Try `npm i --save-dev @types/node` and then add 'node' to the types field in your tsconfig.",
      'tsc',
    );
  });

  test.concurrent('top-level await with TypeScript 5.9 defaults: TS1378', async () => {
    const w = await workshop();
    const compilerOptions = { experimentalDecorators: true, emitDecoratorMetadata: true, types: ['node'] };
    const out = await typecheck(w, 'tsc 5.9', 'ts1378', {
      'src/main.ts': programs(w.blocks).get('getting-started')!.code,
      'tsconfig.json': { compilerOptions },
    });
    failedWith(
      out,
      "error TS1378: Top-level 'await' expressions are only allowed when the 'module' option is set to 'es2022', 'esnext', 'system', 'node16', 'node18', 'node20', 'nodenext', or 'preserve', and the 'target' option is set to 'es2017' or higher.",
      'tsc',
    );
  });

  test.concurrent('Connector imported with `type`: the metadata cannot name the class', async () => {
    const w = await workshop();
    const source = programs(w.blocks).get('getting-started')!.code.replace('import { App, Connector,', 'import { App, type Connector,');
    const dir = w.project('tsc 7.0', 'type-connector', 'esm', { 'src/main.ts': source, 'public/index.html': PAGE });
    succeeded(await run(['npm', 'run', '--silent', 'build'], dir, BUILD_MS), 'npm run build');
    const out = await run([process.execPath, 'dist/main.js'], dir, START_MS);
    failedWith(out, 'SwitchboardError: Chat.connect: parameter #0 (Function) is a class the metadata cannot name', 'node dist/main.js');
  });

  test.concurrent("a channel request's handler that returns another type than the reply: TS1241, in both decorator modes", async () => {
    const w = await workshop();
    const source = [
      "import { z } from 'zod';",
      "import { OnMessage, type Connector } from 'switchboard';",
      "import { defineChannel } from 'switchboard/client';",
      "const chat = defineChannel('/chat', { requests: { say: { data: z.object({ text: z.string() }), reply: z.object({ at: z.number() }) } } });",
      'export class Chat {',
      '  @OnMessage(chat.requests.say)',
      '  say(_ws: Connector, msg: { text: string }) {',
      '    return msg.text;',
      '  }',
      '}',
      '',
    ].join('\n');
    for (const project of ['esm', 'standard'] as const) {
      const dir = w.project('tsc 7.0', `ts1241-${project}`, project, { 'src/main.ts': source });
      const out = await run([w.bin('tsc 7.0', 'tsc'), '-p', '.', '--noEmit'], dir, BUILD_MS);
      failedWith(out, 'error TS1241: Unable to resolve signature of method decorator when called as an expression.', `tsc (${project})`);
      // The last line names the two types (TypeScript 7 orders the union the other way round).
      expect(out.text).toMatch(
        /^ +Type 'string' is not assignable to type '(\{ at: number; \} \| PromiseLike<\{ at: number; \}>|PromiseLike<\{ at: number; \}> \| \{ at: number; \})'\.$/m,
      );
    }
  });

  test.concurrent('__dirname in an ES module', async () => {
    const w = await workshop();
    const dir = w.project('tsc 7.0', 'esm-dirname', 'esm', { 'src/main.ts': programs(w.blocks).get('getting-started-cjs')!.code, 'public/index.html': PAGE });
    succeeded(await run(['npm', 'run', '--silent', 'build'], dir, BUILD_MS), 'npm run build');
    const out = await run([process.execPath, 'dist/main.js'], dir, START_MS);
    failedWith(out, 'ReferenceError: __dirname is not defined in ES module scope', 'node dist/main.js');
  });

  test.concurrent('ES-module output in the "type": "commonjs" package npm init makes: Cannot use import statement outside a module', async () => {
    const w = await workshop();
    const compilerOptions = { experimentalDecorators: true, emitDecoratorMetadata: true, types: ['node'], rootDir: 'src', outDir: 'dist' };
    const dir = w.project('tsc 7.0', 'npm-init', 'esm', {
      'src/main.ts': programs(w.blocks).get('getting-started')!.code,
      'public/index.html': PAGE,
      'tsconfig.json': JSON.stringify({ compilerOptions }),
      'package.json': JSON.stringify({ name: 'my-app', version: '1.0.0', main: 'index.js', type: 'commonjs' }),
    });
    succeeded(await run([w.bin('tsc 7.0', 'tsc'), '-p', '.'], dir, BUILD_MS), 'tsc');
    const out = await run([process.execPath, 'dist/main.js'], dir, START_MS);
    failedWith(out, 'SyntaxError: Cannot use import statement outside a module', 'node dist/main.js');
  });
});
