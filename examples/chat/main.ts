/**
 * Runs the chat example: `npm start`, or `npm run build && PORT=8000 node dist/examples/chat/main.js`.
 */
import { runExample } from '../run-example';
import { createApp } from './app';

runExample(createApp, 8000);
