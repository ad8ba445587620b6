/**
 * Runs the Robyn example: `npm run build && PORT=8080 node dist/examples/robyn/main.js`.
 */
import { runExample } from '../run-example';
import { createApp } from './app';

runExample(createApp, 8080);
