/**
 * The compare editor as people meet it (issue #8), clicked inside the real workbench: double-click
 * a mask in the explorer, hover the slice, press W/N/R inside the webview, change the chart's
 * quantity, sort the table — asserting on the webview's DOM and pixels and on the triage file.
 * Then the layout at 480, 1000 and 1600 px in a dark and a light theme, which also writes the
 * README's screenshots to docs/images/. Needs the runner's page driver (npm run test:integration).
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { readVolumeFile } from '../../../src/core/io/readVolume';
import type { InitMessage, LossesMessage, MetricsMessage, WebviewMessage } from '../../../src/core/protocol';
import { snapshot, waitFor } from './editorProbe';
import { hasPageDriver, inWebview, onPage } from './pageDriver';
import { copySample, file, readText, until } from './reportHelpers';

const EXTENSION_ID = 'mask-inspector.mask-inspector';
const PREDICTION = 'sample/predictions/liver_001.nii.gz';
const LABEL = 'sample/labelsTr/liver_001.nii.gz';

const ofType = <T>(list: Record<string, unknown>[], type: string) => list.filter((m) => m['type'] === type) as unknown as T[];
const lastState = (received: WebviewMessage[]) =>
  received.filter((m): m is Extract<WebviewMessage, { type: 'stateChanged' }> => m.type === 'stateChanged').at(-1);

/** Regions of the editor page that must not overlap, and whether the table can be reached and clicked. */
const LAYOUT_SCRIPT = `(() => {
  const names = [['header', '.mi-header'], ['toolbar', '.mi-toolbar'], ['slice', '.mi-viewer'], ['chart head', '.mi-panel-head'],
    ['chart', '.mi-chart'], ['table', '.mi-table'], ['footer', '.mi-footer']];
  const scroll = document.scrollingElement.scrollTop + document.querySelector('#app').scrollTop;
  const boxes = names.flatMap(([name, selector]) => {
    const e = document.querySelector(selector), r = e && e.getBoundingClientRect();
    return !r || r.width === 0 || r.height === 0 ? [] : [{ name, x: r.x, y: r.y + scroll, w: r.width, h: r.height }];
  });
  const overlaps = [];
  for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
    const p = boxes[a], q = boxes[b];
    const ox = Math.min(p.x + p.w, q.x + q.w) - Math.max(p.x, q.x), oy = Math.min(p.y + p.h, q.y + q.h) - Math.max(p.y, q.y);
    if (ox > 1 && oy > 1) overlaps.push(p.name + ' / ' + q.name + ' ' + ox.toFixed(0) + '×' + oy.toFixed(0));
  }
  const table = document.querySelector('.mi-table');
  return { width: window.innerWidth, overlaps, names: boxes.map((b) => b.name), tableHeight: table.getBoundingClientRect().height,
    pageWidth: document.scrollingElement.scrollWidth, collapsed: document.querySelector('.mi-toolbar').classList.contains('mi-collapsed'),
    headerLines: document.querySelector('.mi-header').getBoundingClientRect().height / document.querySelector('.mi-files').getBoundingClientRect().height };
})()`;

/** CSS position inside the display canvas of voxel (column, display row), from the view's placement. */
const VOXEL_POINT = (column: number, row: number): string => `(() => {
  const [x, y, sx, sy] = document.querySelector('.mi-slice-canvas').dataset.place.split(',').map(Number);
  return { x: x + (${column} + 0.5) * sx, y: y + (${row} + 0.5) * sy };
})()`;

/** The slice (along k) with the most label voxels in the sample's liver_001. */
function fullestSlice(): number {
  const label = readVolumeFile(file(LABEL).fsPath);
  const [nx, ny, nz] = label.dims as [number, number, number];
  let index = 0;
  for (let k = 0, best = -1; k < nz; k++) {
    let n = 0;
    for (let v = k * nx * ny; v < (k + 1) * nx * ny; v++) if (label.data[v]! > 0) n++;
    if (n > best) { best = n; index = k; }
  }
  return index;
}

suite('editor as people meet it: clicks inside the webview', function () {
  let root: vscode.Uri;
  let repo: string;

  suiteSetup(async function () {
    if (!hasPageDriver()) this.skip(); // the desktop launcher has no page driver
    root = vscode.workspace.workspaceFolders![0]!.uri;
    repo = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri.fsPath;
    await copySample();
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', 'Default Dark Modern', vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    if (!hasPageDriver()) return;
    // Leave the workbench as the other suites expect it: default theme, explorer open, runner's window size.
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.explorer');
    await onPage([{ do: 'viewport', width: 1400, height: 900 }]);
  });

  test('double-click in the explorer, hover, W/N/R, chart quantity, table sort', async () => {
    const uri = file(PREDICTION);
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('revealInExplorer', uri);
    await onPage([{ do: 'viewport', width: 1400, height: 900 }, { do: 'dblclickExplorer', name: 'liver_001.nii.gz' }]);
    const init = await waitFor('init after the double-click', uri, (log) => ofType<InitMessage>(log.posted, 'init')[0]);
    assert.equal(init.pair.labelName, LABEL);
    await waitFor('losses and metrics along k', uri, (log) => ofType<MetricsMessage>(log.posted, 'metrics').find((m) => m.axis === 'k'));
    const losses = (await snapshot(uri)).posted.filter((m) => m['type'] === 'losses' && m['axis'] === 'k')[0] as unknown as LossesMessage;

    // Go to the slice with the most label voxels by clicking its bar in the chart (the editor may
    // reopen at a slice an earlier suite left), then hover a TP and a TN voxel found from the files.
    const prediction = readVolumeFile(file(PREDICTION).fsPath);
    const label = readVolumeFile(file(LABEL).fsPath);
    const [nx, ny, nz] = prediction.dims as [number, number, number];
    const index = fullestSlice();
    const bar = await inWebview<{ x: number; y: number }>(`(() => {
      const c = document.querySelector('.mi-chart-canvas'), left = Number(c.dataset.plotLeft), right = Number(c.dataset.plotRight);
      return { x: left + (${index} + 0.5) * (right - left) / ${nz}, y: c.clientHeight / 2 };
    })()`);
    await onPage([{ do: 'click', selector: '.mi-chart-canvas', x: bar.x, y: bar.y }]);
    await until(`slice ${index} after the chart click`, async () => (lastState((await snapshot(uri)).received)?.state.index === index ? true : undefined));
    const at = (i: number, j: number) => i + nx * (j + ny * index);
    let tp: [number, number] | undefined, tn: [number, number] | undefined;
    for (let j = 0; j < ny && (!tp || !tn); j++) {
      for (let i = 0; i < nx; i++) {
        const p = prediction.data[at(i, j)]!, t = label.data[at(i, j)]!;
        if (!tp && p >= init.overlay.threshold && t > 0 && i > 0 && label.data[at(i - 1, j)]! > 0) tp = [i, j];
        if (!tn && p < init.overlay.threshold && t === 0 && i > 4 && j > 4) tn = [i, j];
      }
    }
    assert.ok(tp && tn, `slice ${index} has a TP and a TN voxel`);
    await until('the slice drawn', () => inWebview<string | undefined>(`document.querySelector('.mi-slice-canvas').dataset.place`));
    for (const [voxel, expected] of [[tp, 'TP'], [tn, 'TN']] as const) {
      const point = await inWebview<{ x: number; y: number }>(VOXEL_POINT(voxel[0], voxel[1]));
      await onPage([{ do: 'hover', selector: '.mi-slice-canvas', x: point.x, y: point.y }]);
      const seen = await until(`readout for ${expected}`, async () => {
        const r = await inWebview<{ cls: string | null; cross: string | null; text: string; pixel: number[] }>(`({
          cls: document.querySelector('.mi-readout .mi-class')?.dataset.class ?? null,
          cross: document.querySelector('.mi-crosshair')?.dataset.voxel ?? null,
          text: document.querySelector('.mi-readout').textContent,
          pixel: Array.from(document.getElementById('slice-native').getContext('2d').getImageData(${voxel[0]}, ${voxel[1]}, 1, 1).data),
        })`);
        return r.cls === expected ? r : undefined;
      });
      assert.equal(seen.cross, `${voxel[0]},${voxel[1]}`, 'the crosshair is on the hovered voxel');
      assert.match(seen.text, new RegExp(`voxel \\(${voxel[0]}, ${voxel[1]}, ${index}\\)`));
      const [r, g, b] = seen.pixel;
      if (expected === 'TN') assert.ok(r === g && g === b, `TN is the grey underlay, got rgb(${seen.pixel})`);
      else assert.ok(g! > r! && g! > b!, `TP is tinted with the TP colour ${init.overlay.tpColor}, got rgb(${seen.pixel})`);
    }

    // W, N, R inside the webview: the worst slice, the next, then reviewed in the triage file.
    const rows = losses.labels[0]!.slices;
    const loss = init.state?.loss ?? 'dice';
    const ranking = [...rows].sort((a, b) => (a.empty !== b.empty ? (a.empty ? 1 : -1) : b.losses[loss]! - a.losses[loss]! || a.index - b.index)).map((r) => r.index);
    const indexAfter = async (key: string, expected: number): Promise<void> => {
      await onPage([{ do: 'press', selector: '.mi-slice-canvas', key }]);
      await until(`slice ${expected} after ${key}`, async () => (lastState((await snapshot(uri)).received)?.state.index === expected ? true : undefined));
    };
    await indexAfter('w', ranking[0]!);
    await indexAfter('n', ranking[1]!);
    // R toggles: an earlier suite may have marked this slice already.
    const wasReviewed = (await inWebview<string | null>(`document.getElementById('mi-reviewed').getAttribute('aria-pressed')`)) === 'true';
    await onPage([{ do: 'press', selector: '.mi-slice-canvas', key: 'r' }]);
    const reviewedEntry = `"slice":${ranking[1]},"reviewed":true`;
    const triage = await until(`slice ${ranking[1]} ${wasReviewed ? 'no longer' : ''} reviewed in triage.json`, async () => {
      try {
        const text = await readText(vscode.Uri.joinPath(root, '.mask-inspector', 'triage.json'));
        return text.includes(reviewedEntry) !== wasReviewed ? text : undefined;
      } catch { return undefined; }
    });
    if (!wasReviewed) assert.match(triage, /liver_001/, 'keyed by the pair');
    assert.equal(await inWebview<string | null>(`document.getElementById('mi-reviewed').getAttribute('aria-pressed')`), String(!wasReviewed));
    assert.equal(await inWebview<string>(`document.querySelector('.mi-slice-text').textContent`), `Slice ${ranking[1]! + 1} / ${rows.length}`);

    // The chart's quantity: a metric with its unit.
    await inWebview(`(() => { const s = document.getElementById('mi-loss'); s.value = 'metric:hd95'; s.dispatchEvent(new Event('change')); })()`);
    await until('HD95 in the chart', async () => (await inWebview<string>(`document.querySelector('.mi-chart-canvas').dataset.series`)) === 'Hausdorff distance (95th percentile) (mm)' ? true : undefined);
    assert.equal(lastState((await snapshot(uri)).received)!.state.metric, 'hd95');

    // Sort the table by FP with a real click: the slice with the most false positives comes first.
    await onPage([{ do: 'click', selector: 'th[data-key="fp"] button' }]);
    const mostFp = [...rows].sort((a, b) => b.fp - a.fp || a.index - b.index)[0]!.index;
    const first = await until('sorted by FP', async () => {
      // The table follows the current slice; scroll it to its top to read the first row.
      const r = await inWebview<{ sort: string | null; first: string | null }>(`(() => {
        const table = document.querySelector('.mi-table');
        table.scrollTop = 0;
        table.dispatchEvent(new Event('scroll'));
        return { sort: document.querySelector('th[data-key="fp"]').getAttribute('aria-sort'), first: document.querySelector('.mi-table tbody tr[aria-rowindex="3"]')?.dataset.index ?? null };
      })()`);
      return r.sort === 'descending' ? r.first : undefined;
    });
    assert.equal(Number(first), mostFp);
    // The README's workbench picture: back on the fullest slice, with a CT soft-tissue window.
    await inWebview(`(() => { const s = document.getElementById('mi-window'); s.value = 'softTissue'; s.dispatchEvent(new Event('change')); })()`);
    await onPage([{ do: 'click', selector: '.mi-chart-canvas', x: bar.x, y: bar.y }]);
    await until(`slice ${index} again`, async () => (lastState((await snapshot(uri)).received)?.state.index === index ? true : undefined));
    await onPage([{ do: 'wait', ms: 300 }, { do: 'screenshot', path: join(repo, 'docs', 'images', 'editor-workbench.png'), target: 'page' }]);
  });

  const themes = [['Default Dark Modern', 'dark'], ['Default Light Modern', 'light'], ['Default High Contrast', 'high-contrast']] as const;
  for (const [theme, kind] of themes) {
    test(`layout holds at 480, 1000 and 1600 px (${theme})`, async () => {
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      const uri = file(PREDICTION);
      await vscode.commands.executeCommand('notifications.clearAll'); // earlier suites' toasts would sit on the screenshots
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      await vscode.commands.executeCommand('workbench.action.closePanel');
      await vscode.commands.executeCommand('vscode.openWith', uri, 'maskInspector.compare');
      await waitFor('metrics', uri, (log) => ofType<MetricsMessage>(log.posted, 'metrics')[0]);
      await until('the table rows', () => inWebview<boolean>(`document.querySelectorAll('.mi-table tbody tr[data-index]').length > 0`).then((v) => v || undefined));
      // The theme reached the webview: VS Code sets its colours on <html style> and the theme kind on <body class>.
      const colours = await until(`the ${kind} theme in the webview`, async () => {
        const c = await inWebview<{ body: string; background: string; bodyClass: string }>(`({ body: getComputedStyle(document.body).backgroundColor,
          background: getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background'), bodyClass: document.body.className })`);
        return c.bodyClass.includes(`vscode-${kind}`) ? c : undefined;
      });
      const [r, g, b] = (colours.body.match(/\d+/g) ?? []).map(Number);
      const luminance = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      assert.ok(kind === 'light' ? luminance > 200 : luminance < 60, `page background ${colours.body} (--vscode-editor-background ${colours.background}) in the ${kind} theme`);
      // A CT window that shows the organ (the automatic one saturates the body).
      await inWebview(`(() => { const s = document.getElementById('mi-window'); s.value = 'softTissue'; s.dispatchEvent(new Event('change')); })()`);
      // README images: narrow and wide in the dark theme, 1000 px in each theme; the rest go to test-results.
      // The README's hero image is the wide dark one (docs/images/editor-wide-dark.png).
      const screenshotPath = (k: string, w: number): string => (k === 'dark' && w === 1600 ? join(repo, 'docs', 'images', 'editor-wide-dark.png')
        : k === 'dark' || (k === 'light' && w === 1000) ? join(repo, 'docs', 'images', `editor-${k}-${w}.png`)
          : join(repo, 'test-results', 'integration', `editor-${k}-${w}.png`));
      const fullest = fullestSlice();
      for (const width of [480, 1000, 1600]) {
        const [inner] = await onPage([{ do: 'webviewWidth', width, height: 900 }, { do: 'wait', ms: 500 }]);
        assert.ok(Math.abs((inner as number) - width) <= 2, `the editor is ${String(inner)} px wide, wanted ${width}`);
        const layout = await inWebview<{ overlaps: string[]; names: string[]; tableHeight: number; pageWidth: number; collapsed: boolean; headerLines: number }>(LAYOUT_SCRIPT);
        assert.deepEqual(layout.overlaps, [], `${width} px ${kind}: regions overlap`);
        assert.ok(layout.names.includes('table') && layout.tableHeight >= 100, `${width} px ${kind}: the table is ${layout.tableHeight} px tall`);
        assert.ok(layout.pageWidth <= width + 1, `${width} px ${kind}: the page is ${layout.pageWidth} px wide`);
        if (width === 480) assert.ok(layout.collapsed, 'the toolbar collapsed into its overflow menu');
        if (width === 1000) assert.ok(layout.headerLines <= 3.4, `the header is ${layout.headerLines.toFixed(1)} lines at 1000 px`);
        // Reachable: scroll the table to the fullest slice's row and click it; the editor goes there
        // (and the screenshot below shows a slice with something on it).
        for (const row of [fullest - 1, fullest]) { // two clicks: the first always moves the editor
          await inWebview(`(() => {
            const t = document.querySelector('.mi-table');
            t.scrollTop = Math.max(0, ${row} * 22 - t.clientHeight / 2);
            t.dispatchEvent(new Event('scroll'));
            document.querySelector('.mi-table tbody tr[data-index="${row}"]').scrollIntoView({ block: 'center' });
          })()`);
          await onPage([{ do: 'click', selector: `.mi-table tbody tr[data-index="${row}"]` }]);
          await until(`row ${row} clicked at ${width} px`, async () => (lastState((await snapshot(uri)).received)?.state.index === row ? true : undefined));
        }
        if (width === 1000) await onPage([{ do: 'screenshot', path: join(repo, 'test-results', 'integration', `workbench-${kind}-${width}.png`), target: 'page' }]);
        await onPage([{ do: 'eval', script: 'document.scrollingElement.scrollTop = 0; document.querySelector("#app").scrollTop = 0' }, { do: 'wait', ms: 200 },
          { do: 'screenshot', path: screenshotPath(kind, width), target: 'webview' }]);
      }
      if (kind === 'dark') {
        // Three linked planes, wide: a click in the coronal plane moves the axial view to that slice.
        await onPage([{ do: 'webviewWidth', width: 1600, height: 900 }]);
        await inWebview(`(() => { const s = document.getElementById('mi-layout'); s.value = 'three'; s.dispatchEvent(new Event('change')); })()`);
        await until('three planes', () => inWebview<number>(`document.querySelectorAll('.mi-planes .mi-viewer:not([hidden]) .mi-slice-canvas[data-place]').length`).then((n) => (n === 3 ? n : undefined)));
        const point = await inWebview<{ x: number; y: number }>(`(() => {
          const [x, y, sx, sy] = document.querySelectorAll('.mi-planes .mi-viewer')[1].querySelector('.mi-slice-canvas').dataset.place.split(',').map(Number);
          return { x: x + 64.5 * sx, y: y + (40 - 1 - 20 + 0.5) * sy };
        })()`);
        await onPage([{ do: 'click', selector: '.mi-side-plane .mi-slice-canvas', x: point.x, y: point.y }]);
        await until('the axial view at k = 20', async () => (lastState((await snapshot(uri)).received)?.state.index === 20 ? true : undefined));
        await onPage([{ do: 'wait', ms: 300 }, { do: 'screenshot', path: join(repo, 'docs', 'images', 'editor-three-planes.png'), target: 'webview' }]);
        await inWebview(`(() => { const s = document.getElementById('mi-layout'); s.value = 'one'; s.dispatchEvent(new Event('change')); })()`);
      }
    });
  }
});
