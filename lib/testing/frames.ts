/**
 * Frames as the testing kit hands them out (text as a string, binary as a Buffer), and as its failure
 * messages show them: short, so a failed wait says what arrived instead.
 */

/** A frame the server sent: a text frame as a string, a binary frame as a Buffer. */
export type Frame = string | Buffer;

const MAX_SHOWN = 5;
const MAX_CHARS = 200;

/** One frame, readable in a message. */
export function showFrame(frame: Frame): string {
  if (typeof frame !== 'string') return `<binary, ${frame.byteLength} bytes>`;
  return JSON.stringify(frame.length > MAX_CHARS ? `${frame.slice(0, MAX_CHARS)}…` : frame);
}

/** What arrived, for a failure message: "nothing", or the first few frames and how many more. */
export function showFrames(frames: readonly Frame[]): string {
  if (frames.length === 0) return 'nothing';
  const shown = frames.slice(0, MAX_SHOWN).map(showFrame).join(', ');
  const more = frames.length > MAX_SHOWN ? ` and ${frames.length - MAX_SHOWN} more` : '';
  return `${frames.length} frame${frames.length === 1 ? '' : 's'}: ${shown}${more}`;
}

/** The parsed JSON of a text frame, or undefined when it is binary or not JSON. */
export function jsonOf(frame: Frame): unknown {
  if (typeof frame !== 'string') return undefined;
  try {
    return JSON.parse(frame) as unknown;
  } catch {
    return undefined;
  }
}
