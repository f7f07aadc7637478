/**
 * The latest report's report.html in a webview panel (`maskInspector.report`), under a strict CSP
 * (core/report/reportWebview.ts: nonce, img-src data:, nothing remote, no local resource roots).
 * The page says `ready`; the host answers with the triage marks of its cases, and again whenever
 * they change. A click on a case or a thumbnail posts `openCase`, which opens the compare editor
 * on that pair at that slice. The page's context menu (webview/context) toggles marks.
 */
import * as vscode from 'vscode';
import { MAX_REPORT_JSON_BYTES } from '../core/report/reportIndex';
import { renderReportPage } from '../core/report/reportPage';
import { reportHtmlForWebview } from '../core/report/reportWebview';
import type { LabelKey } from '../core/protocol';
import { Disposable } from './dispose';
import { reportMarksFor, type LatestReport } from './latestReport';
import type { TriageStore } from './triageStore';
import { createNonce } from './webviewHtml';

/** A file's bytes, refused unread above `limit`. */
async function readBounded(uri: vscode.Uri, limit: number): Promise<Uint8Array> {
  const { size } = await vscode.workspace.fs.stat(uri);
  if (size > limit) throw new Error(`the file is ${(size / 1024 ** 2).toFixed(0)} MB, more than the ${limit / 1024 ** 2} MB this panel reads`);
  return vscode.workspace.fs.readFile(uri);
}

export const REPORT_VIEW_TYPE = 'maskInspector.report';

export type ReportPageMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'openCase'; readonly case: string; readonly slice: number | null; readonly axis: 'i' | 'j' | 'k'; readonly labelValue?: LabelKey };

/** Checks a message from the page (it is untrusted input); a string says what is wrong. */
export function parseReportPageMessage(raw: unknown): ReportPageMessage | string {
  if (typeof raw !== 'object' || raw === null) return 'not an object';
  const m = raw as Record<string, unknown>;
  if (m['type'] === 'ready') return { type: 'ready' };
  if (m['type'] !== 'openCase') return `unknown type ${JSON.stringify(m['type'])}`;
  if (typeof m['case'] !== 'string') return 'openCase without a case';
  const slice = m['slice'];
  if (slice !== null && slice !== undefined && (typeof slice !== 'number' || !Number.isInteger(slice) || slice < 0)) return `bad slice ${JSON.stringify(slice)}`;
  const axis = m['axis'] === 'i' || m['axis'] === 'j' ? m['axis'] : 'k';
  const label = m['label'];
  const labelValue: LabelKey | undefined = label === 'foreground' ? 'foreground'
    : typeof label === 'string' && /^\d+$/.test(label) ? Number(label) : typeof label === 'number' ? label : undefined;
  return { type: 'openCase', case: m['case'], slice: typeof slice === 'number' ? slice : null, axis, ...(labelValue !== undefined ? { labelValue } : {}) };
}

export interface ReportPanelProbe {
  readonly open: boolean;
  readonly title: string | null;
  readonly report: string | null;
  readonly received: readonly unknown[];
  readonly posted: readonly unknown[];
  readonly csp: string | null;
}

export class ReportPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private pageReady = false;
  private readonly received: unknown[] = [];
  private readonly posted: unknown[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly latest: LatestReport, private readonly triage: TriageStore, private readonly log: vscode.LogOutputChannel,
    /** Opens a case at a slice (the openCase handler; lossReport.ts passes the compare command). */
    private readonly openCase: (message: Extract<ReportPageMessage, { type: 'openCase' }>) => Promise<void>,
    private readonly record: boolean,
  ) {
    super();
    this._register(triage.onDidChange(() => this.postMarks()));
    this._register(latest.onDidChange(() => this.postMarks()));
    this._register({ dispose: () => this.panel?.dispose() });
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Shows the latest report's page (reusing the panel). */
  async show(): Promise<void> {
    const json = this.latest.uri;
    if (json === null || this.latest.index === null) throw new Error('there is no loss report to show; run "Mask Inspector: Loss Report…" first');
    // Rendered from the tool's own template and report.json; report.html on disk gives only its
    // thumbnails, as checked data: URIs (src/core/report/reportPage.ts). Its scripts never run.
    let html: string;
    try {
      const parsed: unknown = JSON.parse(new TextDecoder().decode(await readBounded(json, MAX_REPORT_JSON_BYTES)));
      const htmlUri = vscode.Uri.joinPath(json, '..', 'report.html');
      const onDisk = await readBounded(htmlUri, MAX_REPORT_JSON_BYTES).then((b) => new TextDecoder().decode(b), () => null);
      html = reportHtmlForWebview(renderReportPage(parsed, onDisk, {}), createNonce());
    } catch (error) {
      throw new Error(`${json.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const title = `Loss Report: ${this.latest.index.predictionDir.split(/[\\/]/).filter(Boolean).pop() ?? 'predictions'}`;
    if (this.panel === undefined) {
      const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, title, vscode.ViewColumn.Active, {
        enableScripts: true, localResourceRoots: [], enableFindWidget: true, retainContextWhenHidden: false,
      });
      this.panel = panel;
      panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'mask-inspector.svg');
      panel.onDidDispose(() => { this.panel = undefined; this.pageReady = false; });
      panel.webview.onDidReceiveMessage((raw: unknown) => { void this.receive(raw); });
    } else {
      this.panel.reveal();
    }
    this.panel.title = title;
    this.pageReady = false;
    this.panel.webview.html = html;
  }

  /** The openCase/ready handler (the test probe calls it to stand in for a click). */
  async receive(raw: unknown): Promise<void> {
    if (this.record) this.received.push(structuredClone(raw));
    const message = parseReportPageMessage(raw);
    if (typeof message === 'string') {
      this.log.warn(`report page: ignored a message: ${message}`);
      return;
    }
    if (message.type === 'ready') {
      this.pageReady = true;
      this.postMarks();
      return;
    }
    try {
      await this.openCase(message);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.log.error(`report: could not open case ${message.case}: ${text}`);
      void vscode.window.showErrorMessage(`Mask Inspector: could not open case ${message.case}: ${text}`);
    }
  }

  private postMarks(): void {
    const index = this.latest.index;
    if (this.panel === undefined || !this.pageReady || index === null) return;
    const message = { type: 'marks', marks: reportMarksFor(index.cases, this.triage) };
    if (this.record) this.posted.push(structuredClone(message));
    void this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  probe(): ReportPanelProbe {
    const html = this.panel?.webview.html ?? null;
    return {
      open: this.panel !== undefined, title: this.panel?.title ?? null, report: this.latest.uri?.toString() ?? null,
      received: [...this.received], posted: [...this.posted],
      csp: html === null ? null : /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? null,
    };
  }
}
