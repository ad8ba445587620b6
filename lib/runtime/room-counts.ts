/**
 * How many connections of this process are in each room, kept only when the app serves the inspection
 * page (`app.admin()`): uWS can count a topic's subscribers but cannot list its topics, and a room's name
 * exists nowhere else but in the rooms of each connection, which nothing may walk (it grows with them).
 * Updated on join, leave and close (never per message); read by the page's sampler a few times a minute.
 */

/** One room as the inspection page shows it. */
export interface RoomSize {
  readonly name: string;
  readonly members: number;
}

export class RoomCounts {
  private readonly members = new Map<string, number>();

  /** Rooms with at least one connection of this process. */
  get size(): number {
    return this.members.size;
  }

  joined(room: string): void {
    this.members.set(room, (this.members.get(room) ?? 0) + 1);
  }

  left(room: string): void {
    const n = this.members.get(room);
    if (n === undefined) return;
    if (n <= 1) this.members.delete(room);
    else this.members.set(room, n - 1);
  }

  /**
   * The `limit` largest rooms, largest first (ties by name). One pass that keeps a sorted list of at most
   * `limit` entries: O(rooms × limit) in the worst case, never a sort of every room, nothing allocated per
   * room but for those that enter the list.
   */
  top(limit: number): RoomSize[] {
    const best: RoomSize[] = [];
    for (const [name, members] of this.members) {
      if (best.length === limit && !before(members, name, best[limit - 1]!)) continue;
      let i = best.length;
      while (i > 0 && before(members, name, best[i - 1]!)) i--;
      best.splice(i, 0, { name, members });
      if (best.length > limit) best.pop();
    }
    return best;
  }
}

/** Order of the list: more members first, then by name. */
function before(members: number, name: string, other: RoomSize): boolean {
  return members > other.members || (members === other.members && name < other.name);
}
