/**
 * Checks what the webview posts before the host acts on it. The page is ours, but a message
 * from an older cached page or a bug there must become a logged warning, not a worker request
 * for slice "NaN" or a mark stored under a bogus axis.
 */
import { EDITOR_ACTIONS, isViewLossId, type ViewState, type WebviewMessage } from '../core/protocol';
import { MAX_NOTE_CHARS, MAX_TRIAGE_SLICE } from '../core/analysis/triage';
import { isPredictionKindOption } from '../core/predictionKinds';
import type { LossId } from '../core/kernels/lossIds';
import { CONVENTION_LOSS_IDS, conventionOf, type Convention, type ConventionLossId } from '../core/kernels/conventions/conventionIds';

type Fields = Record<string, unknown>;

const isAxis = (v: unknown) => v === 'i' || v === 'j' || v === 'k';
// Slice indices and request ids: whole numbers a volume can have (1e300 is an integer too).
const isIndex = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isSliceIndex = (v: unknown) => isIndex(v) && (v as number) <= MAX_TRIAGE_SLICE;
const isKind = isPredictionKindOption;
const isNote = (v: unknown) => typeof v === 'string' && v.length <= MAX_NOTE_CHARS;
const isLabelKey = (v: unknown) => v === 'foreground' || (typeof v === 'number' && Number.isFinite(v));
const optional = (v: unknown, check: (v: unknown) => boolean) => v === undefined || check(v);

function isViewState(v: unknown): v is ViewState {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Fields;
  return isAxis(s['axis']) && isSliceIndex(s['index']) && [s['zoom'], s['panX'], s['panY']].every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    isViewLossId(s['loss']) && isLabelKey(s['label']);
}

/** The message when well-formed, else a description of what is wrong with it. */
export function parseWebviewMessage(raw: unknown): WebviewMessage | string {
  if (typeof raw !== 'object' || raw === null) return `expected an object, got ${typeof raw}`;
  const m = raw as Fields;
  const ok = (valid: boolean, what: string): WebviewMessage | string => (valid ? (m as unknown as WebviewMessage) : `${String(m['type'])}: ${what}`);
  switch (m['type']) {
    case 'ready': return ok(true, '');
    case 'requestSlice': return ok(isIndex(m['requestId']) && isAxis(m['axis']) && isSliceIndex(m['index']), 'needs a requestId, an axis i/j/k and a slice index ≥ 0');
    case 'requestLosses': return ok(isAxis(m['axis']), 'needs an axis i/j/k');
    case 'setKind': return ok(isKind(m['kind']), 'kind must be auto, probability, logits or labels');
    case 'setMark':
      return ok(isAxis(m['axis']) && isSliceIndex(m['index']) && optional(m['reviewed'], (v) => typeof v === 'boolean') &&
        optional(m['flagged'], (v) => typeof v === 'boolean') && optional(m['note'], isNote),
      `needs an axis, a slice index, boolean reviewed/flagged and a note of at most ${MAX_NOTE_CHARS} characters`);
    case 'stateChanged':
      return ok(isViewState(m['state']) && (m['currentLoss'] === null || typeof m['currentLoss'] === 'number'), 'needs a complete view state');
    case 'action': return ok((EDITOR_ACTIONS as readonly unknown[]).includes(m['action']), 'unknown action');
    case 'log': return ok((m['level'] === 'info' || m['level'] === 'warn' || m['level'] === 'error') && typeof m['message'] === 'string', 'needs a level and a message');
    default: return `unknown message type ${JSON.stringify(m['type'])}`;
  }
}

/**
 * A remembered view whose chart shows a library loss (issue 11) of a convention that is no longer
 * computed (maskInspector.losses.conventions changed) shows `defaultLoss` instead.
 */
export function viewWithComputedLoss(view: ViewState, conventions: readonly Convention[], defaultLoss: LossId): ViewState {
  if (!(CONVENTION_LOSS_IDS as readonly string[]).includes(view.loss)) return view;
  return conventions.includes(conventionOf(view.loss as ConventionLossId)) ? view : { ...view, loss: defaultLoss };
}
