import { symlinkSync, mkdtempSync, cpSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, SwitchboardError } from '../../lib';
import { closeAll, recordingLogger, start, within } from '../helpers';

afterEach(closeAll);

/** A raw GET: Node's http client sends the path as given (fetch would normalise `..` away). */
function get(port: number, path: string): Promise<{ status: number; type: string | undefined; body: string }> {
  return within(
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
      });
      req.on('error', reject);
      req.end();
    }),
    `GET ${path}`,
  );
}

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'swb-static-'));
  cpSync(join(__dirname, '..', 'fixtures'), dir, { recursive: true });
  writeFileSync(join(dir, 'outside.txt'), 'outside');
  symlinkSync(join(dir, 'outside.txt'), join(dir, 'static', 'link-out.txt'));
  symlinkSync(join(dir, 'static', 'style.css'), join(dir, 'static', 'link-in.css'));
  return join(dir, 'static');
}

describe('app.static', () => {
  test('files with content types, index.html for directories', async () => {
    const { port } = await start(new App({ logger: recordingLogger() }).static('/assets', fixture()));
    expect(await get(port, '/assets/index.html')).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: '<h1>index</h1>\n' });
    expect(await get(port, '/assets/')).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: '<h1>index</h1>\n' });
    expect(await get(port, '/assets/style.css')).toEqual({ status: 200, type: 'text/css; charset=utf-8', body: 'body{}\n' });
    expect(await get(port, '/assets/sub')).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: 'sub\n' });
    expect(await get(port, '/assets/link-in.css')).toEqual({ status: 200, type: 'text/css; charset=utf-8', body: 'body{}\n' });
    expect((await get(port, '/assets/missing.txt')).status).toBe(404);
  });

  test.each([
    '/assets/../secret.txt',
    '/assets/..%2fsecret.txt',
    '/assets/%2e%2e/secret.txt',
    '/assets/%2E%2E%2Fsecret.txt',
    '/assets/sub/../../secret.txt',
    '/assets/link-out.txt',
    '/assets/%00index.html',
  ])('no way out of the directory: %s', async (path) => {
    const { port } = await start(new App({ logger: recordingLogger() }).static('/assets', fixture()));
    const res = await get(port, path);
    expect([404, 400]).toContain(res.status);
    expect(res.body).not.toContain('secret');
    expect(res.body).not.toContain('outside');
  });

  test('served at the root beside other routes; bad arguments rejected', async () => {
    const app = new App({ logger: recordingLogger() }).get('/api', () => ({ ok: true })).static('/', fixture());
    const { port } = await start(app);
    expect((await get(port, '/')).body).toBe('<h1>index</h1>\n');
    expect((await get(port, '/api')).body).toBe('{"ok":true}');
    expect((await get(port, '/nothing')).status).toBe(404);
    expect(() => new App().static('/x', '/definitely/not/here')).toThrow(SwitchboardError);
    expect(() => new App().static('/x/:id', __dirname)).toThrow(SwitchboardError);
  });
});
