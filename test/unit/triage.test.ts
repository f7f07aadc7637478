/**
 * The triage file's pure logic (src/core/analysis/triage.ts): keys (order-insensitive pairs),
 * changing marks, parsing and validating (every corruption is named, never silently dropped),
 * deterministic one-mark-per-line serialising, the three-way merge used when the file changed on
 * disk, the CSV export, and the atomic write sequence over a fake file system.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  canonicalKey, changedPairs, EMPTY_TRIAGE, markOf, marksOf, mergeTriage, parseTriage, parseTriageKey, samePair,
  serialiseTriage, setTriageMark, triageCsv, triageEqual, triageKey, writeAtomically,
  type AtomicFileSystem, type PairRef, type TriageData,
} from '../../src/core/analysis/triage';

const A: PairRef = { prediction: 'sample/predictions/liver_001.nii.gz', label: 'sample/labelsTr/liver_001.nii.gz' };
const A_SWAPPED: PairRef = { prediction: A.label!, label: A.prediction };
const B: PairRef = { prediction: 'out/case_2_pred.nii.gz', label: 'out/case_2_gt.nii.gz' };
const ALONE: PairRef = { prediction: 'masks/lonely.png', label: null };

function parsed(text: string): TriageData {
  const result = parseTriage(text);
  assert.ok(result.ok, `expected the text to parse: ${result.ok ? '' : result.error}`);
  return result.data;
}

function problem(text: string): string {
  const result = parseTriage(text);
  assert.ok(!result.ok, 'expected a parse error');
  return result.error;
}

const file = (pairs: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ format: 'mask-inspector-triage', version: 1, pairs, ...extra });

describe('triage keys', () => {
  test('prediction|label, or the path alone; parsed back', () => {
    assert.equal(triageKey(A), 'sample/predictions/liver_001.nii.gz|sample/labelsTr/liver_001.nii.gz');
    assert.equal(triageKey(ALONE), 'masks/lonely.png');
    assert.deepEqual(parseTriageKey(triageKey(A)), A);
    assert.deepEqual(parseTriageKey('masks/lonely.png'), ALONE);
    assert.equal(parseTriageKey('a|b|c'), null);
    assert.equal(parseTriageKey('a|'), null);
    assert.equal(parseTriageKey(''), null);
  });

  test('a pair is the same pair with the roles swapped', () => {
    assert.equal(canonicalKey(A), canonicalKey(A_SWAPPED));
    assert.ok(samePair(A, A_SWAPPED));
    assert.ok(!samePair(A, B));
    assert.equal(canonicalKey(ALONE), 'masks/lonely.png');
  });
});

describe('changing marks', () => {
  test('fields left out keep their value; a slice with nothing set is dropped, and so is an empty pair', () => {
    let d = setTriageMark(EMPTY_TRIAGE, A, { axis: 'k', slice: 12, reviewed: true });
    d = setTriageMark(d, A, { axis: 'k', slice: 12, flagged: true });
    assert.deepEqual(markOf(d, A, 'k', 12), { axis: 'k', slice: 12, reviewed: true, flagged: true });
    d = setTriageMark(d, A, { axis: 'k', slice: 12, note: '  FP at the kidney ' });
    assert.equal(markOf(d, A, 'k', 12)?.note, 'FP at the kidney', 'notes are trimmed');
    d = setTriageMark(d, A, { axis: 'k', slice: 12, note: '' });
    assert.equal(markOf(d, A, 'k', 12)?.note, undefined, 'an empty note removes the note');
    d = setTriageMark(d, A, { axis: 'k', slice: 12, reviewed: false, flagged: false });
    assert.equal(d.size, 0);
  });

  test('the swapped editor writes to the entry as first written, and the input is not modified', () => {
    const d1 = setTriageMark(EMPTY_TRIAGE, A, { axis: 'k', slice: 3, reviewed: true });
    const d2 = setTriageMark(d1, A_SWAPPED, { axis: 'j', slice: 7, flagged: true });
    assert.equal(d1.get(canonicalKey(A))!.marks.length, 1, 'd1 unchanged');
    const entry = d2.get(canonicalKey(A))!;
    assert.equal(entry.prediction, A.prediction);
    assert.deepEqual(entry.marks.map((m) => `${m.axis}${m.slice}`), ['j7', 'k3'], 'sorted by axis, then slice');
    assert.deepEqual(marksOf(d2, A_SWAPPED), entry.marks);
  });

  test('a bad axis or slice is refused', () => {
    assert.throws(() => setTriageMark(EMPTY_TRIAGE, A, { axis: 'x' as 'k', slice: 1, reviewed: true }), /axis/);
    assert.throws(() => setTriageMark(EMPTY_TRIAGE, A, { axis: 'k', slice: -1, reviewed: true }), /slice/);
    assert.throws(() => setTriageMark(EMPTY_TRIAGE, A, { axis: 'k', slice: 1.5, reviewed: true }), /slice/);
  });
});

describe('serialising and parsing', () => {
  test('round trip, deterministic order, one mark per line, a trailing newline', () => {
    let d = EMPTY_TRIAGE;
    d = setTriageMark(d, B, { axis: 'k', slice: 100, reviewed: true });
    d = setTriageMark(d, B, { axis: 'k', slice: 12, flagged: true, note: 'says "hi", then\nleaves' });
    d = setTriageMark(d, A, { axis: 'i', slice: 0, reviewed: true });
    d = setTriageMark(d, ALONE, { axis: 'k', slice: 0, flagged: true });
    const text = serialiseTriage(d);
    assert.equal(text, [
      '{',
      '  "format": "mask-inspector-triage",',
      '  "version": 1,',
      '  "pairs": {',
      '    "masks/lonely.png": [',
      '      {"axis":"k","slice":0,"reviewed":false,"flagged":true}',
      '    ],',
      '    "out/case_2_pred.nii.gz|out/case_2_gt.nii.gz": [',
      '      {"axis":"k","slice":12,"reviewed":false,"flagged":true,"note":"says \\"hi\\", then\\nleaves"},',
      '      {"axis":"k","slice":100,"reviewed":true,"flagged":false}',
      '    ],',
      '    "sample/predictions/liver_001.nii.gz|sample/labelsTr/liver_001.nii.gz": [',
      '      {"axis":"i","slice":0,"reviewed":true,"flagged":false}',
      '    ]',
      '  }',
      '}',
      '',
    ].join('\n'));
    const back = parsed(text);
    assert.ok(triageEqual(back, d));
    assert.equal(serialiseTriage(back), text, 'stable');
    assert.equal(serialiseTriage(EMPTY_TRIAGE), '{\n  "format": "mask-inspector-triage",\n  "version": 1,\n  "pairs": {}\n}\n');
  });

  test('an empty file is no marks; missing flags are false', () => {
    assert.equal(parsed('').size, 0);
    assert.equal(parsed('  \n').size, 0);
    const d = parsed(file({ 'a.nii|b.nii': [{ axis: 'k', slice: 2, note: 'x' }] }));
    assert.deepEqual(markOf(d, { prediction: 'a.nii', label: 'b.nii' }, 'k', 2), { axis: 'k', slice: 2, reviewed: false, flagged: false, note: 'x' });
  });

  test('corrupt files are detected and say where', () => {
    assert.match(problem('{"format": "mask-inspector-triage", "version": 1, "pairs": {'), /not valid JSON/);
    assert.match(problem('{\n  "format": "mask-inspector-triage",\n<<<<<<< HEAD\n  "version": 1,\n=======\n>>>>>>> theirs\n}'),
      /unresolved merge conflict markers \(<<<<<<< at line 3/);
    assert.match(problem('[]'), /JSON object/);
    assert.match(problem('null'), /JSON object/);
    assert.match(problem(JSON.stringify({ format: 'other', version: 1, pairs: {} })), /"format" must be/);
    assert.match(problem(file({}, { version: 2 })), /newer Mask Inspector/);
    assert.match(problem(file({}, { version: '1' })), /"version" must be a whole number/);
    assert.match(problem(file({}, { extra: true })), /unknown field "extra"/);
    assert.match(problem(JSON.stringify({ format: 'mask-inspector-triage', version: 1, pairs: [] })), /"pairs" must be an object/);
    assert.match(problem(file({ 'a|b|c': [] })), /pairs\["a\|b\|c"\]: a key must be/);
    assert.match(problem(file({ 'a|b': {} })), /must be a list of marks/);
    assert.match(problem(file({ 'a|b': [{ axis: 'z', slice: 1 }] })), /pairs\["a\|b"\]\[0\]\.axis must be/);
    assert.match(problem(file({ 'a|b': [{ axis: 'k', slice: -1 }] })), /\.slice must be a whole number/);
    assert.match(problem(file({ 'a|b': [{ axis: 'k', slice: 1, reviewed: 'yes' }] })), /\.reviewed must be true or false/);
    assert.match(problem(file({ 'a|b': [{ axis: 'k', slice: 1, note: 3 }] })), /\.note must be a string/);
    assert.match(problem(file({ 'a|b': [{ axis: 'k', slice: 1, colour: 'red' }] })), /unknown field "colour"/);
    assert.match(problem(file({ 'a|b': ['k1'] })), /must be an object/);
  });

  test('what a merge can leave is combined: a slice twice, a pair under both orders', () => {
    const d = parsed(file({
      'a|b': [{ axis: 'k', slice: 1, reviewed: true }, { axis: 'k', slice: 1, flagged: true, note: 'one' }],
      'b|a': [{ axis: 'k', slice: 1, note: 'two' }, { axis: 'k', slice: 2, reviewed: true }],
    }));
    assert.equal(d.size, 1);
    const pair = { prediction: 'a', label: 'b' };
    assert.deepEqual(markOf(d, pair, 'k', 1), { axis: 'k', slice: 1, reviewed: true, flagged: true, note: 'one / two' });
    assert.equal(markOf(d, pair, 'k', 2)?.reviewed, true);
    assert.equal(d.get(canonicalKey(pair))!.prediction, 'a', 'the first orientation in the file stays');
  });
});

describe('merging', () => {
  const base = setTriageMark(setTriageMark(EMPTY_TRIAGE, A, { axis: 'k', slice: 1, reviewed: true }), A, { axis: 'k', slice: 2, flagged: true });

  test('a side that did not change a slice takes the other side', () => {
    const ours = setTriageMark(base, A, { axis: 'k', slice: 3, reviewed: true }); // added locally
    const theirs = setTriageMark(setTriageMark(base, A, { axis: 'k', slice: 2, flagged: false }), B, { axis: 'j', slice: 5, note: 'from git' });
    const m = mergeTriage(base, ours, theirs);
    assert.equal(markOf(m, A, 'k', 1)?.reviewed, true);
    assert.equal(markOf(m, A, 'k', 2), undefined, 'theirs removed it, ours did not touch it');
    assert.equal(markOf(m, A, 'k', 3)?.reviewed, true, 'ours added it');
    assert.equal(markOf(m, B, 'j', 5)?.note, 'from git');
  });

  test('both changed one slice: field by field, ours wins where both changed the same field', () => {
    const ours = setTriageMark(base, A, { axis: 'k', slice: 1, reviewed: false, note: 'mine' });
    const theirs = setTriageMark(base, A, { axis: 'k', slice: 1, flagged: true, note: 'theirs' });
    const m = markOf(mergeTriage(base, ours, theirs), A, 'k', 1);
    assert.deepEqual(m, { axis: 'k', slice: 1, reviewed: false, flagged: true, note: 'mine' });
  });

  test('the file deleted: marks it had are gone, unsaved local marks stay', () => {
    const ours = setTriageMark(base, B, { axis: 'k', slice: 9, reviewed: true });
    const m = mergeTriage(base, ours, EMPTY_TRIAGE);
    assert.equal(marksOf(m, A).length, 0);
    assert.equal(markOf(m, B, 'k', 9)?.reviewed, true);
  });

  test('orientation follows theirs; changedPairs names the pairs that differ', () => {
    const theirs = parsed(file({ [triageKey(A_SWAPPED)]: [{ axis: 'k', slice: 1, reviewed: true }, { axis: 'k', slice: 2, flagged: true }] }));
    const m = mergeTriage(EMPTY_TRIAGE, base, theirs);
    assert.equal(m.get(canonicalKey(A))!.prediction, A_SWAPPED.prediction);
    assert.deepEqual(changedPairs(base, m), []);
    assert.deepEqual(changedPairs(base, setTriageMark(base, B, { axis: 'k', slice: 0, reviewed: true })), [canonicalKey(B)]);
  });
});

describe('CSV export', () => {
  test('prediction,label,axis,slice,reviewed,flagged,note; quoted where needed', () => {
    let d = setTriageMark(EMPTY_TRIAGE, A, { axis: 'k', slice: 4, reviewed: true, note: 'edge, "soft"' });
    d = setTriageMark(d, ALONE, { axis: 'k', slice: 0, flagged: true });
    assert.equal(triageCsv(d), [
      'prediction,label,axis,slice,reviewed,flagged,note',
      'masks/lonely.png,,k,0,false,true,',
      'sample/predictions/liver_001.nii.gz,sample/labelsTr/liver_001.nii.gz,k,4,true,false,"edge, ""soft"""',
      '',
    ].join('\n'));
  });
});

describe('atomic write', () => {
  class FakeFs implements AtomicFileSystem<string> {
    readonly files = new Map<string, string>();
    readonly log: string[] = [];
    failOn: 'write' | 'rename' | null = null;
    async write(path: string, bytes: Uint8Array): Promise<void> {
      this.log.push(`write ${path}`);
      if (this.failOn === 'write') { this.files.set(path, 'half'); throw new Error('disk full'); }
      this.files.set(path, new TextDecoder().decode(bytes));
    }
    async rename(from: string, to: string): Promise<void> {
      this.log.push(`rename ${from} ${to}`);
      if (this.failOn === 'rename') throw new Error('EXDEV');
      this.files.set(to, this.files.get(from)!);
      this.files.delete(from);
    }
    async remove(path: string): Promise<void> {
      this.log.push(`remove ${path}`);
      this.files.delete(path);
    }
  }

  test('writes the temp file, then renames it over the target', async () => {
    const fs = new FakeFs();
    fs.files.set('t.json', 'old');
    await writeAtomically(fs, 't.json', 't.json.tmp', new TextEncoder().encode('new'));
    assert.deepEqual(fs.log, ['write t.json.tmp', 'rename t.json.tmp t.json']);
    assert.deepEqual([...fs.files], [['t.json', 'new']]);
  });

  for (const failOn of ['write', 'rename'] as const) {
    test(`a failing ${failOn} leaves the target as it was and no temp file`, async () => {
      const fs = new FakeFs();
      fs.files.set('t.json', 'old');
      fs.failOn = failOn;
      await assert.rejects(writeAtomically(fs, 't.json', 't.json.tmp', new TextEncoder().encode('new')));
      assert.deepEqual([...fs.files], [['t.json', 'old']]);
      assert.equal(fs.log.at(-1), 'remove t.json.tmp');
    });
  }
});
