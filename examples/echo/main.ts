/**
 * Runs the echo example: `npm run build && PORT=9999 node dist/examples/echo/main.js`.
 */
import { runExample } from '../run-example';
import { createApp } from './app';

runExample(createApp, 9999);
