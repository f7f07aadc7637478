/**
 * Issue #9: the report panel renders from the tool's own template and report.json; a script
 * planted in report.html never reaches the webview, only its checked thumbnails do.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { renderReportPage, thumbnailsFromHtml } from '../../src/core/report/reportPage';
import { reportHtmlForWebview } from '../../src/core/report/reportWebview';
import { planLocalFolders, runFolderReport } from '../../src/report/runFolderReport';
import { repoRoot } from './helpers/fixtures';
import { makeReportTree } from './helpers/reportTree';

const workerFile = join(repoRoot, 'dist', 'caseWorker.js');

describe('report panel page', async () => {
  const tree = makeReportTree([{ name: 'c1', kind: 'probability', seed: 3 }, { name: 'c2', kind: 'truncated', seed: 4 }], 'mask-inspector-page-');
  const plan = await planLocalFolders(tree.predictions, tree.labels);
  const out = join(tree.root, 'report');
  await runFolderReport(plan, { outDir: out, jobs: 1, workerFile });
  const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  const imgs = (text: string) => (text.match(/<img src="data:image\/png;base64,/g) ?? []).length;

  test('the same cases, rows and thumbnails as the written report.html', () => {
    const page = renderReportPage(json, html, {});
    assert.ok(imgs(html) > 0, 'the report has thumbnails');
    assert.equal(imgs(page), imgs(html));
    assert.equal((page.match(/<tr [^>]*data-case=/g) ?? []).length, (html.match(/<tr [^>]*data-case=/g) ?? []).length);
    assert.equal((page.match(/<script(?! type="application\/json")/g) ?? []).length, 1, 'one script: the tool\'s');
  });
  test('a planted script in report.html does not reach the panel, even with a nonce', () => {
    const planted = html.replace('<body>', '<body><script>window.evil=1</script><img src=x onerror="evil()">')
      .replace('</body>', '<script nonce="abc">acquireVsCodeApi().postMessage({type:"openCase",case:"c1"})</script></body>');
    const page = reportHtmlForWebview(renderReportPage(json, planted, {}), 'TESTNONCE');
    assert.doesNotMatch(page, /evil|acquireVsCodeApi\(\)\.postMessage\(\{type:"openCase"/);
    assert.equal((page.match(/<script nonce="TESTNONCE">/g) ?? []).length, 1);
  });
  test('hostile text in report.json is escaped; a broken thumbnail is dropped', () => {
    const hostile = structuredClone(json);
    hostile.cases[0].case = '<script>alert(1)</script>';
    const page = renderReportPage(hostile, html, {});
    assert.doesNotMatch(page, /<script>alert/);
    assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    const bad = thumbnailsFromHtml(html.replace(/data:image\/png;base64,/g, 'javascript:alert(1)//'));
    assert.equal(bad.size, 0);
  });
});
