/**
 * Runs the rooms example: `npm run build && PORT=8000 node dist/examples/rooms/main.js`.
 */
import { runExample } from '../run-example';
import { createApp } from './app';

runExample(createApp, 8000);
