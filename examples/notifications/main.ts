/**
 * Runs the notifications example: `npm run build && PORT=8999 node dist/examples/notifications/main.js`.
 */
import { runExample } from '../run-example';
import { createApp } from './app';

runExample(createApp, 8999);
