/**
 * Opening the compare editor at a given slice — the one API the report panel, the cases view and
 * "Next Unreviewed Worst Slice" use to show a slice:
 *
 *   vscode.commands.executeCommand('maskInspector.compareMasks', { prediction, label, axis, slice, label?, loss? })
 *     → CompareEditorProvider.openPair(pair, target)
 *     → CompareSession.revealSlice(target): the next `init` the session posts carries a view on
 *       that axis and slice (and label / loss when given), fitted (zoom 1, no pan). An editor that
 *       is already open is initialised again with it; one still loading gets it with its first init.
 *
 * `prediction` and `label` may be URIs or absolute file paths (report.json has paths).
 */
import * as vscode from 'vscode';
import type { Axis } from '../core/analysis/result';
import { LOSS_IDS, type LossId } from '../core/kernels/lossIds';
import { sliceSize, type LabelKey, type PairInfo, type ViewState } from '../core/protocol';

export interface SliceTarget {
  readonly axis: Axis;
  readonly slice: number;
  /** The label to show (a report's worst slice is per label); ignored when the pair lacks it. */
  readonly label?: LabelKey;
  /** The loss the chart and ranking switch to (e.g. the cases view's sort loss). */
  readonly loss?: LossId;
}

/** The argument `maskInspector.compareMasks` takes to open a pair at a slice. */
export interface OpenAtSliceArgs extends Partial<Omit<SliceTarget, 'label'>> {
  readonly prediction: vscode.Uri | string;
  readonly label: vscode.Uri | string;
  /** Named `labelValue` because `label` is the label file. */
  readonly labelValue?: LabelKey;
}

/** A URI, or an absolute path / URI string (report.json has paths); null for anything else. */
export function toUri(value: unknown): vscode.Uri | null {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string' && value.length > 0) return value.includes('://') ? vscode.Uri.parse(value) : vscode.Uri.file(value);
  return null;
}

/** Reads an OpenAtSliceArgs-like object (a command argument); null when it is not one. */
export function parseOpenAtSlice(arg: unknown): { prediction: vscode.Uri; label: vscode.Uri; target: SliceTarget | null } | null {
  if (typeof arg !== 'object' || arg === null || arg instanceof vscode.Uri || Array.isArray(arg)) return null;
  const a = arg as Record<string, unknown>;
  const prediction = toUri(a['prediction']);
  const label = toUri(a['label']);
  if (prediction === null || label === null) return null;
  const axis = a['axis'];
  const slice = a['slice'];
  if ((axis !== 'i' && axis !== 'j' && axis !== 'k') || typeof slice !== 'number' || !Number.isInteger(slice) || slice < 0) {
    return { prediction, label, target: null };
  }
  const labelValue = a['labelValue'];
  const loss = a['loss'];
  return {
    prediction, label,
    target: {
      axis, slice,
      ...(typeof labelValue === 'number' || labelValue === 'foreground' ? { label: labelValue } : {}),
      ...((LOSS_IDS as readonly unknown[]).includes(loss) ? { loss: loss as LossId } : {}),
    },
  };
}

/** `view` moved to the target (slice clamped to the pair; fitted on the new slice). */
export function viewAt(view: ViewState, target: SliceTarget, pair: Pick<PairInfo, 'shape' | 'labels'>): ViewState {
  const count = sliceSize(pair.shape, target.axis).count;
  return {
    ...view,
    axis: target.axis,
    index: Math.min(Math.max(0, target.slice), Math.max(0, count - 1)),
    zoom: 1, panX: 0, panY: 0,
    ...(target.label !== undefined && pair.labels.includes(target.label) ? { label: target.label } : {}),
    ...(target.loss !== undefined ? { loss: target.loss } : {}),
  };
}
