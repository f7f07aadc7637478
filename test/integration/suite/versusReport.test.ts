/**
 * "Mask Inspector: Loss Report…" with a second prediction folder (issue #12) inside a real VS Code:
 * the command (scripted `versusDir`) writes a two-prediction report — B's results, the paired
 * statistics, a label B has no prediction for listed as `missing B` — the cases view lists every
 * case, and the page with its A-versus-B section opens in the panel under the strict CSP.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { cases, copySample, file, initCount, nthInit, readText, reportPanel, runReport, until } from './reportHelpers';

suite('loss report versus a second model', () => {
  suiteSetup(async () => {
    await copySample();
    // B: a second model that predicted liver_001 only.
    await vscode.workspace.fs.createDirectory(file('sample/predictionsB'));
    await vscode.workspace.fs.copy(file('sample/labelsTr/liver_001.nii.gz'), file('sample/predictionsB/liver_001.nii.gz'), { overwrite: true });
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('writes versus stats, lists the missing case, shows the A-versus-B section', async () => {
    const out = file('sample/report-versus');
    const result = await runReport({
      predictionDir: file('sample/predictions'), labelDir: file('sample/labelsTr'), versusDir: file('sample/predictionsB'), outDir: out, jobs: 1,
    });
    assert.equal(result.computed, 1);
    const json = JSON.parse(await readText(vscode.Uri.joinPath(out, 'report.json')));
    assert.equal(json.versus.predictionsB, file('sample/predictionsB').fsPath);
    assert.deepEqual(json.cases.map((c: { case: string; status: string }) => [c.case, c.status]), [['liver_001', 'done'], ['liver_002', 'missing B']]);
    // B is the label itself: a perfect Dice metric, so B − A = 1 − A's Dice.
    const c1 = json.cases[0];
    const diceA = c1.result.labels[0].metrics.dice;
    assert.equal(c1.versus.result.labels[0].metrics.dice, 1);
    assert.ok(Math.abs(c1.difference.labels[0].metrics.dice - (1 - diceA)) < 1e-12);
    assert.equal(json.versus.stats['metrics.dice'][String(c1.result.labels[0].label)].n, 1);

    const view = await cases();
    assert.deepEqual(view.items.map((i) => i.label).sort(), ['liver_001', 'liver_002']);
    const panel = await until('the report page to say ready', async () => {
      const p = await reportPanel();
      return p.received.some((m) => (m as { type?: string }).type === 'ready') ? p : undefined;
    });
    assert.match(panel.csp ?? '', /^default-src 'none'; img-src data:; style-src 'nonce-[^']+'; script-src 'nonce-[^']+';/);
    assert.match(await readText(vscode.Uri.joinPath(out, 'report.html')), /<h2>Model A versus model B<\/h2>/);

    // A click on the paired case opens the three-way editor (A, B and the label) at that slice.
    const prediction = file('sample/predictions/liver_001.nii.gz');
    const before = await initCount(prediction);
    await reportPanel({ type: 'openCase', case: 'liver_001', slice: 12, axis: 'k' });
    const init = await nthInit(prediction, before);
    assert.equal(init.pair.versus?.predictionName, 'sample/predictionsB/liver_001.nii.gz');
    assert.equal(init.pair.labelName, 'sample/labelsTr/liver_001.nii.gz');
    assert.deepEqual([init.state?.axis, init.state?.index], ['k', 12]);
  });
});
