/**
 * Runs one example as a program: it listens on PORT (else the example's own default port) and closes
 * gracefully on Ctrl-C or SIGTERM. Each examples/<name>/main.ts is this one call, so the example's
 * app.ts stays about the app itself.
 */
import type { App } from 'switchboard';

export function runExample(createApp: () => App, defaultPort: number): void {
  const app = createApp();
  app.listen(Number(process.env.PORT ?? defaultPort)).then(
    ({ port }) => {
      console.log(`listening on http://localhost:${port}`);
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
