/**
 * First run: masks the workbench opened in the text editor before this extension registered its
 * custom editor are reopened in Mask Inspector.
 *
 * Why this is needed: `npm start` (and `code --extensionDevelopmentPath=… FILE`) hands VS Code the
 * sample file to open at startup. The workbench opens it while the extension under development
 * is still being scanned, so its editor contribution is unknown and the file lands in the text
 * editor ("not displayed… binary"). A launcher cannot wait for the extension host, so the
 * extension fixes it: on activation (`onStartupFinished`, or earlier when a mask opens) it moves
 * every such text tab, and, for a short startup window, text tabs that appear afterwards. After
 * that window a mask in the text editor is the user's own choice ("Reopen Editor With…") and is
 * left alone; so is a file whose `workbench.editorAssociations` names another editor.
 */
import * as vscode from 'vscode';
import { belongsInMaskInspector } from '../core/editorAssociations';
import { VIEW_TYPE } from './compareEditorProvider';

/** How long after activation late-arriving startup tabs are still moved. */
const STARTUP_WINDOW_MS = 15_000;

export function reopenMaskTabs(log: vscode.LogOutputChannel): vscode.Disposable {
  const pending = new Set<string>();
  const reopen = async (tab: vscode.Tab): Promise<void> => {
    if (!(tab.input instanceof vscode.TabInputText)) return;
    const uri = tab.input.uri;
    const associations = vscode.workspace.getConfiguration('workbench', uri).get<Record<string, unknown>>('editorAssociations') ?? {};
    if (!belongsInMaskInspector(uri.path, VIEW_TYPE, associations)) return;
    const key = uri.toString();
    if (pending.has(key)) return;
    pending.add(key);
    try {
      log.info(`reopening ${uri.path} in Mask Inspector (it was opened in the text editor before the extension was ready)`);
      await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE,
        { viewColumn: tab.group.viewColumn, preview: tab.isPreview, preserveFocus: !(tab.isActive && tab.group.isActive) });
      // The text tab may already be gone (a preview tab is replaced); close whatever is left of it.
      const stale = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key);
      if (stale.length > 0) await vscode.window.tabGroups.close(stale, true);
    } catch (error) {
      log.warn(`could not reopen ${uri.path} in Mask Inspector: ${error instanceof Error ? error.message : String(error)}. ` +
        'Use "Reopen Editor With…" → Mask Inspector.');
    } finally {
      pending.delete(key);
    }
  };
  for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) void reopen(tab);
  const listener = vscode.window.tabGroups.onDidChangeTabs((e) => {
    for (const tab of e.opened) void reopen(tab);
  });
  const timer = setTimeout(() => listener.dispose(), STARTUP_WINDOW_MS);
  return new vscode.Disposable(() => {
    clearTimeout(timer);
    listener.dispose();
  });
}
