/**
 * "Mask Inspector: Loss Report…" inside a real VS Code, on the sample nnU-Net tree copied into
 * the workspace: the command (driven with arguments, no dialogs) writes the report folder next to
 * the predictions, the cases view lists the cases worst first with their worst slices, the report
 * page opens in a panel under a strict CSP and says `ready`, and a click on a case (the panel's
 * openCase handler) or on a slice in the view opens the compare editor at that slice. Failing
 * cases are reported while the others are computed; cancelling keeps the finished cases.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { indexReport, sortCases } from '../../../src/core/report/reportIndex';
import {
  cases, copySample, exists, file, initCount, nthInit, readText, reportPanel, runReport, sliceArgs, until,
} from './reportHelpers';

suite('loss report', () => {
  suiteSetup(async () => {
    await copySample();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('writes the report folder, lists the cases worst first, shows the page under a strict CSP', async () => {
    const result = await runReport({ predictionDir: file('sample/predictions'), labelDir: file('sample/labelsTr'), jobs: 1 });
    assert.equal(result.pairs, 2);
    assert.equal(result.computed, 2);
    assert.equal(result.failed, 0);
    assert.equal(result.cancelled, false);
    const dir = file('sample/mask-inspector-report-predictions');
    assert.equal(vscode.Uri.file(result.reportDir).toString(), dir.toString(), 'default: next to the predictions, named after them');
    for (const name of ['report.json', 'cases.csv', 'slices.csv', 'report.html']) {
      assert.ok(await exists(vscode.Uri.joinPath(dir, name)), `${name} written`);
    }
    const entries = await vscode.workspace.fs.readDirectory(dir);
    assert.deepEqual(entries.map(([n]) => n).filter((n) => n.startsWith('.')), [], 'no spool or temporary file left');
    const json = JSON.parse(await readText(vscode.Uri.joinPath(dir, 'report.json')));
    assert.equal(json.status, 'complete');

    // The cases view: worst first by the default loss (dice), each case with its worst slices.
    const view = await cases();
    assert.equal(view.sortBy, 'dice');
    const expected = sortCases(indexReport(json).cases, 'dice').map((c) => c.case);
    assert.deepEqual(view.items.map((i) => i.label), expected);
    for (const item of view.items) {
      assert.equal(item.contextValue, 'case');
      assert.ok(item.children.length > 0 && item.children.length <= 5, `${item.label}: 1–5 worst slices`);
      for (const child of item.children) {
        // 1-based for people; the command's argument keeps the 0-based index.
        const index = (child.command!.arguments[0] as { slice: number }).slice;
        assert.match(child.label, new RegExp(`^Slice ${index + 1}\\b`));
        assert.match(child.description, /^Dice loss \d/, 'the value with its name');
        assert.match(child.contextValue ?? '', /^slice/);
        assert.equal(child.command?.command, 'maskInspector.cases.open');
      }
      // The first child is the case's worst slice by dice: the report's own worst slice.
      const worst = json.cases.find((c: { case: string }) => c.case === item.label).worstSlices;
      const first = sliceArgs(item)[0]!;
      assert.equal(first.slice, worst[String(first.labelValue)][0], `${item.label}: the worst slice first`);
    }

    // The page in its panel: strict CSP, the script ran (it said ready) and got the marks.
    const panel = await until('the report page to say ready', async () => {
      const p = await reportPanel();
      return p.received.some((m) => (m as { type?: string }).type === 'ready') ? p : undefined;
    });
    assert.equal(panel.open, true);
    assert.match(panel.csp ?? '', /^default-src 'none'; img-src data:; style-src 'nonce-[^']+'; script-src 'nonce-[^']+';/);
    assert.ok(panel.posted.some((m) => (m as { type?: string }).type === 'marks'), 'marks posted after ready');
  });

  test('a click on a case in the report opens the compare editor at that slice', async () => {
    const view = await cases();
    const item = view.items.find((i) => i.label === 'liver_001')!;
    const target = sliceArgs(item)[1] ?? sliceArgs(item)[0]!;
    const prediction = file('sample/predictions/liver_001.nii.gz');
    const before = await initCount(prediction);
    await reportPanel({ type: 'openCase', case: 'liver_001', slice: target.slice, axis: 'k', label: String(target.labelValue) });
    const init = await nthInit(prediction, before);
    assert.equal(init.pair.labelName, 'sample/labelsTr/liver_001.nii.gz');
    assert.equal(init.state?.axis, 'k');
    assert.equal(init.state?.index, target.slice);
    assert.equal(init.state?.label, target.labelValue);

    // Already open: a click elsewhere re-initialises the same editor on the new slice.
    const other = sliceArgs(item)[0]!;
    await reportPanel({ type: 'openCase', case: 'liver_001', slice: other.slice, axis: 'k' });
    const again = await nthInit(prediction, before + 1);
    assert.equal(again.state?.index, other.slice);
  });

  test('a slice of the cases view opens the editor there (its item command)', async () => {
    const view = await cases();
    const item = view.items.find((i) => i.label === 'liver_002')!;
    const child = item.children.at(-1)!;
    const prediction = file('sample/predictions/liver_002.nii.gz');
    const before = await initCount(prediction);
    await vscode.commands.executeCommand(child.command!.command, ...child.command!.arguments);
    const init = await nthInit(prediction, before);
    assert.equal(init.state?.index, (child.command!.arguments[0] as { slice: number }).slice);
    assert.equal(init.state?.loss, 'dice');
  });

  test('a failing case is recorded and the others are computed', async () => {
    await vscode.workspace.fs.copy(file('sample/labelsTr'), file('mixed/labelsTr'), { overwrite: true });
    await vscode.workspace.fs.copy(file('sample/predictions/liver_002.nii.gz'), file('mixed/predictions/liver_002.nii.gz'), { overwrite: true });
    await vscode.workspace.fs.writeFile(file('mixed/predictions/liver_001.nii.gz'), new TextEncoder().encode('not a NIfTI file at all'));
    const result = await runReport({ predictionDir: file('mixed/predictions'), labelDir: file('mixed/labelsTr'), jobs: 1, open: false });
    assert.equal(result.failed, 1);
    assert.equal(result.computed, 1);
    const view = await cases();
    const failed = view.items.find((i) => i.label === 'liver_001')!;
    assert.equal(failed.contextValue, 'case-failed');
    assert.equal(failed.icon, 'error');
    assert.match(failed.tooltip, /liver_001/);
    assert.equal(view.items.at(-1)!.label, 'liver_001', 'failed cases last');
    assert.match(view.message ?? '', /1 of 2 cases failed/);
  });

  test('cancelling keeps the finished cases and says which were not run', async () => {
    const out = file('reports/cancelled');
    const result = await runReport({
      predictionDir: file('sample/predictions'), labelDir: file('sample/labelsTr'), outDir: out, jobs: 1, cancelAfterCases: 1, open: false,
    });
    assert.equal(result.cancelled, true);
    assert.equal(result.computed + result.failed, 1);
    assert.equal(result.notRun.length, 1);
    const json = JSON.parse(await readText(vscode.Uri.joinPath(out, 'report.json')));
    assert.equal(json.status, 'cancelled');
    assert.deepEqual(json.notRun, result.notRun);
    const view = await cases();
    assert.match(view.message ?? '', /Cancelled run: 1 of 2 cases not computed/);
    assert.equal(view.items.find((i) => i.label === result.notRun[0])?.contextValue, 'case-notRun');
  });

  test('Sort by a metric re-ranks the cases; the choice is remembered', async () => {
    await runReport({ predictionDir: file('sample/predictions'), labelDir: file('sample/labelsTr'), jobs: 1, open: false });
    await vscode.commands.executeCommand('maskInspector.cases.sortBy', 'metrics.hd95');
    const json = JSON.parse(await readText(file('sample/mask-inspector-report-predictions/report.json')));
    const view = await cases();
    assert.equal(view.sortBy, 'metrics.hd95');
    assert.equal(view.description, 'worst by HD95 (mm)');
    assert.match(view.items[0]!.description, /^HD95 [\d.]+ mm/, 'the value with its name and unit');
    assert.deepEqual(view.items.map((i) => i.label), sortCases(indexReport(json).cases, 'metrics.hd95').map((c) => c.case));
    await vscode.commands.executeCommand('maskInspector.cases.sortBy', 'dice');
    assert.equal((await cases()).sortBy, 'dice');
  });
});
