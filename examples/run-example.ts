/**
 * Runs one example as a program: it listens on PORT (else the example's own default port) and closes
 * gracefully on Ctrl-C or SIGTERM. Each examples/<name>/main.ts is this one call, so the example's
 * app.ts stays about the app itself. With SWITCHBOARD_ADMIN_TOKEN set, every example also serves the
 * inspection page at /admin behind that token (docs/admin.md); without it, no page is served.
 */
import type { App } from 'switchboard';

/** Where the examples serve the inspection page. */
export const ADMIN_PATH = '/admin';

/**
 * Adds the inspection page when `env` has SWITCHBOARD_ADMIN_TOKEN (16 characters or more), read-only when
 * SWITCHBOARD_ADMIN_READONLY=1. Off by default: a page nobody configured a secret for is not served at all.
 */
export function withAdmin(app: App, env: NodeJS.ProcessEnv = process.env): App {
  const token = env.SWITCHBOARD_ADMIN_TOKEN;
  return token === undefined || token === '' ? app : app.admin(ADMIN_PATH, { token, readonly: env.SWITCHBOARD_ADMIN_READONLY === '1' });
}

export function runExample(createApp: () => App, defaultPort: number): void {
  const app = withAdmin(createApp());
  const admin = process.env.SWITCHBOARD_ADMIN_TOKEN ? 'on' : 'off';
  app.listen(Number(process.env.PORT ?? defaultPort)).then(
    ({ port }) => {
      console.log(`listening on http://localhost:${port}`);
      console.log(
        admin === 'on'
          ? `inspection page: http://localhost:${port}${ADMIN_PATH} (the token is SWITCHBOARD_ADMIN_TOKEN)`
          : `inspection page off: set SWITCHBOARD_ADMIN_TOKEN (16+ characters) to serve it at ${ADMIN_PATH}`,
      );
      const stop = (): void => void app.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
