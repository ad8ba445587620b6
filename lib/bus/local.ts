/**
 * The default bus: one process, delivery straight to uWS pub/sub and the id registry. It is no
 * PresenceStore: every presence entry belongs to this process, whose runtime holds it.
 */
import type { Payload, Sender } from '../transport/types';
import { SwitchboardError } from '../util/errors';
import type { Bus, BusNode, BusStats } from './bus';

export class LocalBus implements Bus {
  private node: BusNode | null = null;
  /** Nothing crosses a process: only `published` moves. */
  readonly stats: BusStats = { published: 0, received: 0, dropped: 0, reconnects: 0 };

  open(node: BusNode): Promise<void> {
    if (this.node !== null) throw new SwitchboardError('SWB_ERR_INVALID_ARGUMENT', 'This LocalBus is already used by another App: give each App its own bus.');
    this.node = node;
    return Promise.resolve();
  }

  publish(topic: string, payload: Payload, except: Sender | null): number {
    this.stats.published++;
    return this.node === null ? 0 : this.node.publishLocal(topic, payload, except);
  }

  sendTo(id: string, payload: Payload): boolean {
    return this.node === null ? false : this.node.sendLocal(id, payload);
  }

  close(): Promise<void> {
    this.node = null;
    return Promise.resolve();
  }
}
