/**
 * The one channel from the suite (inside the extension host) to the runner is the workbench
 * log, which mixes the extension host's console with the workbench's own chatter and gives
 * no label to tell them apart. So the suite tags each console line it (or the extension
 * under test) prints, and sends its counts as a marker line.
 */
import { format } from 'node:util';

export interface SuiteCounts {
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
}

export const RESULT_MARKER = 'MOCHA-RESULT';
export const EXT_HOST_TAG = '[ext-host] ';

/** Workbench errors that are expected offline and say nothing about the extension. */
const KNOWN_NOISE = [
  /\[Service Worker\] registration/, // the server does not serve the web service worker
  /ENOTFOUND|EAI_AGAIN|ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED/, // no network here
];

export function formatResultLine(counts: SuiteCounts): string {
  return `${RESULT_MARKER} ${JSON.stringify(counts)}`;
}

/** Counts from a line containing the marker (anywhere: a tag may precede it), else undefined. */
export function parseResultLine(line: string): SuiteCounts | undefined {
  const at = line.indexOf(`${RESULT_MARKER} {`);
  if (at < 0) return undefined;
  const json = line.slice(at + RESULT_MARKER.length + 1, line.indexOf('}', at) + 1);
  try {
    const v = JSON.parse(json) as Partial<SuiteCounts>;
    if (typeof v.passed !== 'number' || typeof v.failed !== 'number') return undefined;
    return { passed: v.passed, failed: v.failed, pending: typeof v.pending === 'number' ? v.pending : 0 };
  } catch {
    return undefined;
  }
}

/** The workbench hands codeAutomationLog console-style arguments (`['%s passing', 3]`). */
export function formatLogMessage(message: unknown): string {
  return Array.isArray(message) ? format(...(message as unknown[])) : String(message);
}

/**
 * What the runner shows of one workbench log message: extension-host lines without their
 * tag, workbench errors that are not known offline noise, or undefined to keep it quiet.
 */
export function lineToShow(level: string, text: string): string | undefined {
  if (text.startsWith(EXT_HOST_TAG)) {
    return text.split('\n').map((l) => (l.startsWith(EXT_HOST_TAG) ? l.slice(EXT_HOST_TAG.length) : l)).join('\n');
  }
  if (level === 'error' && !KNOWN_NOISE.some((re) => re.test(text))) return `workbench error: ${text}`;
  return undefined;
}
