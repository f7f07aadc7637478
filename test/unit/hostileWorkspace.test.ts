/**
 * Issue #9, "files the extension reads from a workspace are hostile too": report.json and
 * triage.json are validated against the pair's real shape and bounded; the webview's mark
 * message is checked the same way.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_NOTE_CHARS, MAX_TRIAGE_SLICE, parseTriage, setTriageMark, EMPTY_TRIAGE } from '../../src/core/analysis/triage';
import { indexReport } from '../../src/core/report/reportIndex';
import { parseWebviewMessage } from '../../src/editor/webviewMessages';

/** The 150-byte report.json of the issue: one case whose only slice claims index 5e8. */
function tinyReport(index: number, shape?: number[], metrics?: Record<string, number>): unknown {
  return {
    tool: { name: 'mask-inspector' }, reportFormat: 1, settings: { axis: 'k' },
    cases: [{ case: 'x', status: 'done', result: { ...(shape ? { shape } : {}), labels: [{ label: 1, slices: [{ index, losses: { dice: 0.5 }, ...(metrics ? { metrics } : {}) }] }] } }],
  };
}

describe('report.json: slice indices follow the real shape', () => {
  test('index 5e8 in a 150-byte file allocates nothing large (dropped)', () => {
    const text = JSON.stringify(tinyReport(5e8));
    assert.ok(text.length < 250, `${text.length} bytes`);
    const before = process.memoryUsage().arrayBuffers;
    const index = indexReport(JSON.parse(text));
    assert.ok(process.memoryUsage().arrayBuffers - before < 1e6, 'no large typed arrays');
    assert.equal(index.cases[0]!.labels[0]!.sliceCount, 0);
  });
  test('an index inside the shape is kept; one past the axis is dropped', () => {
    assert.equal(indexReport(tinyReport(7, [4, 4, 8])).cases[0]!.labels[0]!.sliceCount, 8);
    assert.equal(indexReport(tinyReport(8, [4, 4, 8])).cases[0]!.labels[0]!.sliceCount, 0);
  });
  test('made-up metric keys do not become columns', () => {
    const metrics: Record<string, number> = { dice: 0.5 };
    for (let i = 0; i < 5000; i++) metrics[`m${i}`] = i;
    assert.deepEqual(indexReport(tinyReport(0, [1, 1, 1], metrics)).sortIds.filter((id) => id.startsWith('metrics.')), ['metrics.dice']);
  });
});

describe('triage.json: bounded slices and notes', () => {
  const file = (mark: Record<string, unknown>) => JSON.stringify({ format: 'mask-inspector-triage', version: 1, pairs: { 'a.nii|b.nii': [{ axis: 'k', reviewed: true, ...mark }] } });
  test('slice 1e300 is refused, naming where', () => {
    const r = parseTriage(file({ slice: 1e300 }));
    assert.equal(r.ok, false);
    assert.match((r as { error: string }).error, /pairs\["a\.nii\|b\.nii"\]\[0\]\.slice must be a whole number from 0 to/);
    assert.equal(parseTriage(file({ slice: MAX_TRIAGE_SLICE })).ok, true);
  });
  test('a 50 MB note is refused (the file), and by setTriageMark', () => {
    const huge = 'x'.repeat(50 * 1024 * 1024);
    assert.equal(parseTriage(file({ slice: 1, note: huge })).ok, false);
    assert.equal(parseTriage(file({ slice: 1, note: 'x'.repeat(MAX_NOTE_CHARS + 1) })).ok, false);
    assert.throws(() => setTriageMark(EMPTY_TRIAGE, { prediction: 'a', label: 'b' }, { axis: 'k', slice: 1, note: 'x'.repeat(MAX_NOTE_CHARS + 1) }), /at most/);
    assert.throws(() => setTriageMark(EMPTY_TRIAGE, { prediction: 'a', label: 'b' }, { axis: 'k', slice: 1e300, reviewed: true }), /slice/);
  });
});

describe('webview mark message', () => {
  test('index 1e300 and over-long notes are refused; a normal mark passes', () => {
    assert.equal(typeof parseWebviewMessage({ type: 'setMark', axis: 'k', index: 1e300, reviewed: true }), 'string');
    assert.equal(typeof parseWebviewMessage({ type: 'setMark', axis: 'k', index: 3, note: 'x'.repeat(MAX_NOTE_CHARS + 1) }), 'string');
    assert.equal(typeof parseWebviewMessage({ type: 'requestSlice', requestId: 1, axis: 'k', index: 1e300 }), 'string');
    assert.equal(typeof parseWebviewMessage({ type: 'setMark', axis: 'k', index: 3, reviewed: true }), 'object');
  });
});
