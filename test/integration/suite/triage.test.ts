/**
 * Triage that lasts and travels, inside a real VS Code: marks made in the cases view, the report
 * page's menu and the editor go to `.mask-inspector/triage.json` (written atomically: no temp
 * file left, never half a file), show in the view and in open editors; a change made on disk (as
 * git pull does) is picked up live; a corrupt file is kept as it is and reported while marks stay
 * in memory, and fixing it merges them in. Next Unreviewed Worst Slice, the CSV export and the
 * report's CSV columns follow the marks.
 */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { parseTriage, serialiseTriage, setTriageMark, triageKey, EMPTY_TRIAGE, type TriageData } from '../../../src/core/analysis/triage';
import type { MarksMessage } from '../../../src/core/protocol';
import { indexReport, nextUnreviewedSlice } from '../../../src/core/report/reportIndex';
import {
  cases, copySample, editorLog, exists, file, initCount, nthInit, readText, runReport, sliceArgs, triageState, until,
} from './reportHelpers';

const PAIR_1 = { prediction: 'sample/predictions/liver_001.nii.gz', label: 'sample/labelsTr/liver_001.nii.gz' };
const PAIR_2 = { prediction: 'sample/predictions/liver_002.nii.gz', label: 'sample/labelsTr/liver_002.nii.gz' };
const triageFile = () => file('.mask-inspector/triage.json');

async function fileData(): Promise<TriageData> {
  const parsed = parseTriage(await readText(triageFile()));
  assert.ok(parsed.ok, `triage.json should parse: ${parsed.ok ? '' : parsed.error}`);
  return parsed.data;
}

function markIn(data: TriageData, pair: typeof PAIR_1, slice: number) {
  return [...data.values()].find((p) => triageKey(p) === triageKey(pair) || triageKey({ prediction: p.label!, label: p.prediction }) === triageKey(pair))
    ?.marks.find((m) => m.axis === 'k' && m.slice === slice);
}

/** Writes the file the way git does: straight to disk, not through VS Code. */
function writeOnDisk(text: string): void {
  writeFileSync(triageFile().fsPath, text);
}

suite('triage file', () => {
  suiteSetup(async () => {
    await copySample();
    await runReport({ predictionDir: file('sample/predictions'), labelDir: file('sample/labelsTr'), jobs: 1, open: false });
    await vscode.commands.executeCommand('maskInspector.cases.sortBy', 'dice');
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Toggle Reviewed in the view writes triage.json atomically and shows in the view and the editor', async () => {
    const item = (await cases()).items.find((i) => i.label === 'liver_002')!;
    const target = sliceArgs(item)[0]!;
    const before = markIn(await fileData().catch(() => EMPTY_TRIAGE), PAIR_2, target.slice);
    assert.notEqual(before?.reviewed, true, 'not reviewed yet');

    await vscode.commands.executeCommand('maskInspector.cases.toggleReviewed', target);
    const written = await fileData();
    assert.equal(markIn(written, PAIR_2, target.slice)?.reviewed, true);
    const names = (await vscode.workspace.fs.readDirectory(file('.mask-inspector'))).map(([n]) => n);
    assert.deepEqual(names, ['triage.json'], 'no temporary file left behind');
    assert.equal(await readText(triageFile()), serialiseTriage(written), 'the file is exactly the serialised marks');
    assert.ok(Object.keys(JSON.parse(await readText(triageFile())).pairs).includes(triageKey(PAIR_2)), 'keyed prediction|label');

    const view = await cases();
    const slice = view.items.find((i) => i.label === 'liver_002')!.children.find((c) => (c.command!.arguments[0] as { slice: number }).slice === target.slice)!;
    assert.match(slice.description, /✓/);
    assert.equal(slice.contextValue, 'slice reviewed');
    assert.equal(slice.icon, 'check');
    assert.match(view.items.find((i) => i.label === 'liver_002')!.description, /✓\d/);

    // The editor opened at that slice gets the mark with its init; flagging from the view reaches it live.
    const prediction = file(PAIR_2.prediction);
    const n = await initCount(prediction);
    await vscode.commands.executeCommand('maskInspector.cases.open', target);
    const init = await nthInit(prediction, n);
    assert.ok(init.marks.some((m) => m.axis === 'k' && m.index === target.slice && m.reviewed), JSON.stringify(init.marks));
    await vscode.commands.executeCommand('maskInspector.cases.toggleFlag', target);
    await until('the flag in the editor', async () => ((await editorLog(prediction)).posted.filter((m) => m['type'] === 'marks') as unknown as MarksMessage[])
      .find((m) => m.marks.some((k) => k.index === target.slice && k.flagged && k.reviewed)));
  });

  test('notes: from the view\'s menu and for the editor\'s current slice', async () => {
    const item = (await cases()).items.find((i) => i.label === 'liver_001')!;
    const target = sliceArgs(item)[0]!;
    await vscode.commands.executeCommand('maskInspector.cases.editNote', target, 'FP along the rim, "soft" edge');
    assert.equal(markIn(await fileData(), PAIR_1, target.slice)?.note, 'FP along the rim, "soft" edge');
    const child = (await cases()).items.find((i) => i.label === 'liver_001')!.children[0]!;
    assert.match(child.description, /✎ FP along the rim/);
    assert.match(child.tooltip, /Note: FP along the rim/);

    const prediction = file(PAIR_1.prediction);
    const n = await initCount(prediction);
    await vscode.commands.executeCommand('maskInspector.cases.open', target);
    await nthInit(prediction, n);
    await until('the editor to report its view', async () => {
      const states = (await editorLog(prediction)).received.filter((m) => m['type'] === 'stateChanged');
      return (states.at(-1)?.['state'] as { index?: number } | undefined)?.index === target.slice ? true : undefined;
    });
    await vscode.commands.executeCommand('maskInspector.editSliceNote', undefined, 'checked with the radiologist');
    assert.equal(markIn(await fileData(), PAIR_1, target.slice)?.note, 'checked with the radiologist');
    await vscode.commands.executeCommand('maskInspector.editSliceNote', undefined, '');
    assert.equal(markIn(await fileData(), PAIR_1, target.slice)?.note, undefined, 'an empty note removes it');
  });

  test('a change made on disk (git pull) is picked up live by the view and an open editor', async () => {
    const item = (await cases()).items.find((i) => i.label === 'liver_001')!;
    const target = sliceArgs(item).at(-1)!;
    const prediction = file(PAIR_1.prediction);
    const n = await initCount(prediction);
    await vscode.commands.executeCommand('maskInspector.cases.open', target);
    await nthInit(prediction, n);

    const current = await fileData();
    const pulled = setTriageMark(current, PAIR_1, { axis: 'k', slice: target.slice, flagged: true, note: 'from a colleague' });
    writeOnDisk(serialiseTriage(pulled));
    await until('the flag from disk in the editor', async () => ((await editorLog(prediction)).posted.filter((m) => m['type'] === 'marks') as unknown as MarksMessage[])
      .find((m) => m.marks.some((k) => k.index === target.slice && k.flagged && k.note === 'from a colleague')));
    await until('the flag from disk in the view', async () => {
      const child = (await cases()).items.find((i) => i.label === 'liver_001')!.children
        .find((c) => (c.command!.arguments[0] as { slice: number }).slice === target.slice);
      return child?.description.includes('⚑') ? child : undefined;
    });
    assert.equal((await triageState()).problem, null);
  });

  test('a corrupt triage.json is kept and reported; marks stay in memory and are merged once it is fixed', async () => {
    const good = await readText(triageFile());
    const corrupt = good.replace('"pairs": {', '"pairs": {\n<<<<<<< HEAD\n=======\n>>>>>>> origin/main');
    writeOnDisk(corrupt);
    const state = await until('the problem to be noticed', async () => {
      const s = await triageState();
      return s.problem !== null ? s : undefined;
    });
    assert.match(state.problem!, /merge conflict/);

    // A mark made meanwhile stays in memory and shows, and the file is not touched.
    const item = (await cases()).items.find((i) => i.label === 'liver_002')!;
    const target = sliceArgs(item).at(-1)!;
    await vscode.commands.executeCommand('maskInspector.cases.toggleReviewed', target);
    const after = await triageState();
    assert.ok(after.text.includes(`"slice":${target.slice},"reviewed":true`) || JSON.parse(after.text).pairs[triageKey(PAIR_2)]
      .some((m: { slice: number; reviewed: boolean }) => m.slice === target.slice && m.reviewed), 'in memory');
    assert.equal(await readText(triageFile()), corrupt, 'the corrupt file is left exactly as it was');
    const child = (await cases()).items.find((i) => i.label === 'liver_002')!.children
      .find((c) => (c.command!.arguments[0] as { slice: number }).slice === target.slice)!;
    assert.match(child.description, /✓/);

    // Fixed (the conflict resolved to the good version): the memory mark is merged into it.
    writeOnDisk(good);
    await until('the file to be readable and saved with the memory mark', async () => {
      const s = await triageState();
      if (s.problem !== null) return undefined;
      const data = parseTriage(await readText(triageFile()));
      return data.ok && markIn(data.data, PAIR_2, target.slice)?.reviewed === true ? true : undefined;
    });
    const merged = await fileData();
    const goodData = parseTriage(good);
    assert.ok(goodData.ok);
    for (const p of goodData.data.values()) for (const m of p.marks) assert.ok(markIn(merged, p as typeof PAIR_1, m.slice), 'the file\'s own marks stay');
  });

  test('Next Unreviewed Worst Slice opens the worst slice not yet reviewed, across cases', async () => {
    const json = JSON.parse(await readText(file('sample/mask-inspector-report-predictions/report.json')));
    const index = indexReport(json);
    for (let round = 0; round < 2; round++) {
      const data = await fileData();
      const pairOf = (name: string) => (name === 'liver_001' ? PAIR_1 : PAIR_2);
      const expected = nextUnreviewedSlice(index, 'dice', (c, _axis, s) => markIn(data, pairOf(c.case), s)?.reviewed === true)!;
      const prediction = file(pairOf(expected.case.case).prediction);
      const n = await initCount(prediction);
      await vscode.commands.executeCommand('maskInspector.nextUnreviewedWorstSlice');
      const init = await nthInit(prediction, n);
      assert.equal(init.state?.index, expected.slice, `round ${round}: ${expected.case.case} slice ${expected.slice}`);
      await vscode.commands.executeCommand('maskInspector.cases.toggleReviewed', { case: expected.case.case, axis: 'k', slice: expected.slice });
      assert.equal(markIn(await fileData(), pairOf(expected.case.case), expected.slice)?.reviewed, true);
    }
  });

  test('Export Triage (CSV), and a report written afterwards carries the marks in its CSVs', async () => {
    const out = file('exports/triage.csv');
    await vscode.workspace.fs.createDirectory(file('exports'));
    await vscode.commands.executeCommand('maskInspector.exportTriage', out);
    const rows = (await readText(out)).trim().split('\n');
    assert.equal(rows[0], 'prediction,label,axis,slice,reviewed,flagged,note');
    let marks = 0;
    for (const p of (await fileData()).values()) marks += p.marks.length;
    assert.equal(rows.length - 1, marks);
    assert.ok(rows.some((r) => r.startsWith(`${PAIR_2.prediction},${PAIR_2.label},k,`) && r.includes(',true,')));

    const data = await fileData();
    const pair = [...data.values()].find((p) => triageKey(p) === triageKey(PAIR_2))!;
    const reviewed = pair.marks.find((m) => m.reviewed)!;
    const result = await runReport({ predictionDir: file('sample/predictions'), labelDir: file('sample/labelsTr'), outDir: file('reports/with-marks'), jobs: 1, open: false });
    const csv = (await readText(vscode.Uri.file(`${result.reportDir}/slices.csv`))).trim().split('\n').map((l) => l.split(','));
    const head = csv[0]!;
    const row = csv.find((r) => r[0] === 'liver_002' && r[2] === String(reviewed.slice))!;
    assert.equal(row[head.indexOf('reviewed')], 'true');
    const html = await readText(vscode.Uri.file(`${result.reportDir}/report.html`));
    assert.match(html, /<script type="application\/json" id="mi-marks">/);
    assert.ok(await exists(vscode.Uri.file(`${result.reportDir}/cases.csv`)));
  });
});
