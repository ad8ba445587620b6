/**
 * app.serveClient(path): switchboard/client as one ES module. From the sources (as here) it is bundled
 * from lib/client; an installed package serves the file its build made.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, SwitchboardError } from '../../lib';
import { bundleClient, clientModuleHandler } from '../../lib/http/client-module';
import { closeAll, eventually, recordingLogger, start } from '../helpers';

afterEach(closeAll);

const CLIENT_SOURCES = join(__dirname, '..', '..', 'lib', 'client', 'index.ts');
const DOCS_SCRIPT_SOURCES = join(__dirname, '..', '..', 'lib', 'operate', 'docs-ui', 'page.ts');

/**
 * This process's esbuild children by pid, zombies included (a stopped service is one until Node.js reaps it).
 * Other test files run in this process may have left their own.
 */
function esbuildChildren(): string[] {
  const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8', timeout: 5000 });
  return children
    .split('\n')
    .filter((line) => line.includes('esbuild'))
    .map((line) => line.trim().split(' ')[0]!);
}

/** The names a module exports, as Node.js imports it (a child process: Jest's modules are CommonJS). */
function exportsOf(file: string): string[] {
  const script = `const m = await import(${JSON.stringify(file)}); console.log(JSON.stringify(Object.keys(m).sort()));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
  if (run.status !== 0) throw new Error(`node could not import ${file}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

describe('app.serveClient(path)', () => {
  // First in the file, so that no earlier bundle of this copy of esbuild has started the service it would reuse.
  test('bundling leaves no esbuild service process behind, also after two bundles at once', async () => {
    const before = esbuildChildren();
    const [client, docs] = await Promise.all([bundleClient(CLIENT_SOURCES), bundleClient(DOCS_SCRIPT_SOURCES)]);
    expect(client).toContain('defineChannel');
    expect(docs).toContain('console-connect');
    await eventually(() => esbuildChildren().every((pid) => before.includes(pid)), 'the esbuild service ends');
  });

  test('serves the client bundled from the sources, as text/javascript, an ES module exporting the client API', async () => {
    const { port } = await start(new App({ logger: recordingLogger() }).serveClient('/switchboard/client.js'));
    const res = await fetch(`http://127.0.0.1:${port}/switchboard/client.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const text = await res.text();
    expect(text).toBe(await bundleClient(CLIENT_SOURCES));
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-client-'));
    try {
      writeFileSync(join(dir, 'client.mjs'), text);
      expect(exportsOf(join(dir, 'client.mjs'))).toEqual(['RequestError', 'connect', 'defineChannel', 'presence', 'syncDiff', 'syncState']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the path defaults to /switchboard/client.js; another path serves it there only', async () => {
    const { port } = await start(new App({ logger: recordingLogger() }).serveClient().serveClient('/js/sb.mjs'));
    expect((await fetch(`http://127.0.0.1:${port}/switchboard/client.js`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/js/sb.mjs`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/js/other.mjs`)).status).toBe(404);
  });

  test('a path with parameters, a second handler for the path, or a call after listen() is an error', async () => {
    expect(() => new App().serveClient('/client/:version')).toThrow(
      'app.serveClient(path): path must be a path without parameters, got "/client/:version". [SWB_ERR_INVALID_ARGUMENT]',
    );
    expect(() => new App().serveClient().serveClient()).toThrow('GET /switchboard/client.js has two handlers. Keep one. [SWB_ERR_DUPLICATE_ROUTE]');
    const { app } = await start(new App({ logger: recordingLogger() }));
    expect(() => app.serveClient()).toThrow('[SWB_ERR_APP_STARTED]');
  });
});

describe('where the module comes from', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'switchboard-client-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a built index.mjs beside the client (an installed package) is served as it is', async () => {
    writeFileSync(join(dir, 'index.mjs'), 'export const built = true;\n');
    const { port } = await start(new App({ logger: recordingLogger() }).get('/c.js', clientModuleHandler('test', dir)));
    expect(await (await fetch(`http://127.0.0.1:${port}/c.js`)).text()).toBe('export const built = true;\n');
  });

  test('neither a built module nor the sources: SWB_ERR_CLIENT_NOT_BUILT, when serveClient() is called', () => {
    let error: unknown;
    try {
      clientModuleHandler('app.serveClient(path)', dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).message).toBe(
      `app.serveClient(path): the client module ${join(dir, 'index.mjs')} is missing. The package ships it as dist/lib/client/index.mjs, made by \`npm run build\` (a build by tsc alone leaves it out). ` +
        'An app bundled with switchboard inside does not carry it: keep switchboard external (esbuild --packages=external), or serve a copy with app.static(). [SWB_ERR_CLIENT_NOT_BUILT]',
    );
  });
});
