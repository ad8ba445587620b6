/**
 * `app.docs(path, info)`: the two GET routes that serve the contract, its page at `path` and its JSON
 * at `path/asyncapi.json`. Both are built at the first request, after listen() has frozen the routes.
 */
import { join } from 'node:path';
import { browserModuleText } from '../util/browser-module';
import { asyncApiDocument, type AsyncApiDocument, type AsyncApiInfo } from './asyncapi';
import { docsPage } from './docs-page';

/** What `app.docs()` shows when it is given no info. */
export const defaultInfo: AsyncApiInfo = { title: 'WebSocket API', version: '1.0.0' };

export interface DocsRoutes {
  readonly pagePath: string;
  readonly jsonPath: string;
  readonly page: () => Promise<string>;
  readonly json: () => AsyncApiDocument;
}

/**
 * The page's script: built beside this file (dist/lib/operate/docs-ui/page.mjs, `npm run build`), or
 * bundled from its source when run from lib/. Looked up at the first request, not at load: an app bundled
 * with switchboard inside has neither file (nor, as an ES module, a __dirname), and its page then answers
 * 500 (logged) while the JSON still answers.
 */
function docsScript(): Promise<string> {
  const dir = join(__dirname, 'docs-ui');
  return browserModuleText(join(dir, 'page.mjs'), join(dir, 'page.ts'));
}

/** `generate` makes the document of the app's routes; `info` is checked now. */
export function docsRoutes(path: string, info: AsyncApiInfo, generate: (info: AsyncApiInfo) => AsyncApiDocument): DocsRoutes {
  asyncApiDocument([], info);
  const jsonPath = `${path.replace(/\/$/, '')}/asyncapi.json`;
  let document: AsyncApiDocument | null = null;
  let page: string | null = null;
  const json = (): AsyncApiDocument => (document ??= generate(info));
  return { pagePath: path, jsonPath, json, page: async () => (page ??= docsPage(json(), jsonPath, await docsScript())) };
}
