/**
 * uWS pub/sub topic names. A route's topic (every connection of the route, for broadcast) and a room's
 * topic live in separate namespaces, so a room can never be named like a route.
 */
import { invalidArgument } from './errors';

export function routeTopic(uwsPattern: string): string {
  return `swb:route:${uwsPattern}`;
}

export function roomTopic(room: string): string {
  return `swb:room:${room}`;
}

/** A room name as every room method takes it: a non-empty string of at most 256 characters. */
export function checkRoom(where: string, room: unknown): void {
  if (typeof room !== 'string' || room === '' || room.length > 256) throw invalidArgument(where, 'room', 'a non-empty string of at most 256 characters', room);
}

/** The topic of a room's presence frames: the room's members that joined it with presence, once they have its state. */
export function presenceTopic(room: string): string {
  return `swb:presence:${room}`;
}
