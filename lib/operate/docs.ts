/**
 * `app.docs(path, info)`: the two GET routes that serve the contract, its page at `path` and its JSON
 * at `path/asyncapi.json`. Both are built at the first request, after listen() has frozen the routes.
 */
import { asyncApiDocument, type AsyncApiDocument, type AsyncApiInfo } from './asyncapi';
import { docsPage } from './docs-page';

/** What `app.docs()` shows when it is given no info. */
export const defaultInfo: AsyncApiInfo = { title: 'WebSocket API', version: '1.0.0' };

export interface DocsRoutes {
  readonly pagePath: string;
  readonly jsonPath: string;
  readonly page: () => string;
  readonly json: () => AsyncApiDocument;
}

/** `generate` makes the document of the app's routes; `info` is checked now. */
export function docsRoutes(path: string, info: AsyncApiInfo, generate: (info: AsyncApiInfo) => AsyncApiDocument): DocsRoutes {
  asyncApiDocument([], info);
  const jsonPath = `${path.replace(/\/$/, '')}/asyncapi.json`;
  let document: AsyncApiDocument | null = null;
  let page: string | null = null;
  const json = (): AsyncApiDocument => (document ??= generate(info));
  return { pagePath: path, jsonPath, json, page: () => (page ??= docsPage(json(), jsonPath)) };
}
