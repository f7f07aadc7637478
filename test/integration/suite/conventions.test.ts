/**
 * Issue 11 inside a real VS Code: with the settings maskInspector.losses.conventions and
 * .parameters, the compare editor's `losses` message carries the library ids, equal to
 * `mask-inspector compare --conventions all --param …` (comparePair with the same settings).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { comparePair } from '../../../src/core/analysis/compare';
import { readVolumeFile } from '../../../src/core/io/readVolume';
import { CONVENTIONS } from '../../../src/core/kernels/conventions/conventionIds';
import { conventionParamsFrom } from '../../../src/core/kernels/conventions/conventionParams';
import { DEFAULT_LOSS_PARAMS } from '../../../src/core/kernels/lossIds';
import type { InitMessage, LossesMessage } from '../../../src/core/protocol';
import { snapshot, waitFor } from './editorProbe';

let root: vscode.Uri;
const file = (relative: string) => vscode.Uri.joinPath(root, relative);
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

suite('compare editor: loss conventions', () => {
  suiteSetup(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration run must open a workspace folder');
    root = folder.uri;
    const extension = vscode.extensions.getExtension('mask-inspector.mask-inspector')!;
    await extension.activate();
    // A pair of its own: other suites read the probe's message log of the sample files.
    const sample = (p: string) => vscode.Uri.joinPath(extension.extensionUri, 'sample', p);
    await vscode.workspace.fs.copy(sample('predictions/liver_002.nii.gz'), file('conventions/predictions/conv_002.nii.gz'), { overwrite: true });
    await vscode.workspace.fs.copy(sample('labelsTr/liver_002.nii.gz'), file('conventions/labelsTr/conv_002.nii.gz'), { overwrite: true });
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const config = vscode.workspace.getConfiguration('maskInspector');
    await config.update('losses.conventions', undefined, vscode.ConfigurationTarget.Workspace);
    await config.update('losses.parameters', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('the losses message carries the library ids of the settings, equal to comparePair', async () => {
    const config = vscode.workspace.getConfiguration('maskInspector');
    await config.update('losses.conventions', ['all'], vscode.ConfigurationTarget.Workspace);
    await config.update('losses.parameters', { 'smp.version': 'head', 'monai.dice.smoothNr': 0 }, vscode.ConfigurationTarget.Workspace);
    const uri = file('conventions/predictions/conv_002.nii.gz');
    const start = (await snapshot(uri)).posted.length;
    await vscode.commands.executeCommand('vscode.openWith', uri, 'maskInspector.compare');
    const init = await waitFor('init', uri, (log) => log.posted.slice(start).find((m) => m['type'] === 'init') as InitMessage | undefined);
    const axis = init.state?.axis ?? 'k';
    const losses = await waitFor(`losses along ${axis}`, uri, (log) =>
      log.posted.slice(start).find((m) => m['type'] === 'losses' && m['axis'] === axis) as LossesMessage | undefined);
    const expected = comparePair(
      readVolumeFile(file('conventions/predictions/conv_002.nii.gz').fsPath), readVolumeFile(file('conventions/labelsTr/conv_002.nii.gz').fsPath),
      { kind: 'auto', axis, params: DEFAULT_LOSS_PARAMS, metrics: 'none',
        conventions: { conventions: CONVENTIONS, params: conventionParamsFrom({ 'smp.version': 'head', 'monai.dice.smoothNr': 0 }) } });
    assert.ok('monai.dice' in losses.labels[0]!.volume && 'nnunet.dcAndBce' in losses.labels[0]!.volume);
    assert.deepEqual(plain(losses.labels), plain(expected.labels));
  });
});
