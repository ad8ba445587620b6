/**
 * `switchboard/bus`: the interface a bus of your own implements (`new App({ bus })`), kept out of the main
 * entry, which an app that only uses the buses switchboard ships never needs. Types only (docs/scale-out.md).
 */
export type { Bus, BusNode, BusStats, PresenceChange, PresenceEntry, PresenceNode, PresenceSnapshot, PresenceStore } from './bus/bus';
export type { Payload, Sender } from './transport/types';
