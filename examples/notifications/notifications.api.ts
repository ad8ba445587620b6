/**
 * The notifications example's channel: what `/ws/{id}` pushes. A client with a bundler imports it for
 * types (`connect(notifications, url, { params: { id }, query: { token } })`); the page, which has no
 * bundler, listens to the same event with the untyped `connect(url)`. (`/legacy/{id}` keeps the seed's
 * own protocol and has no channel.)
 */
import { z } from 'zod';
import { defineChannel } from 'switchboard/client';

export const notification = z.object({ title: z.string(), message: z.string() });

export const notifications = defineChannel('/ws/{id}', {
  events: { notification },
});
