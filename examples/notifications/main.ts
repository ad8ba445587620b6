/**
 * Runs the notifications example: `npm run build && PORT=8999 node dist/examples/notifications/main.js`.
 */
import { createApp } from './app';

async function main(): Promise<void> {
  const app = createApp();
  const { port } = await app.listen(Number(process.env.PORT ?? 8999));
  console.log(`listening on http://localhost:${port}`);
  const stop = (): void => void app.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
