/**
 * Manifest rules from issue #8: "Compare Masks" has its own Explorer menu group (not VS Code's
 * `3_compare`, where it sat right above the text diff "Compare Selected"), and the extension
 * activates at startup so a mask opened before it was ready moves into its editor.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

interface MenuItem { readonly command: string; readonly group?: string }
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  activationEvents: string[]; contributes: { menus: Record<string, MenuItem[]> };
};

test('Compare Masks and Loss Report sit in their own Explorer menu group, not beside "Compare Selected"', () => {
  const explorer = manifest.contributes.menus['explorer/context'] ?? [];
  const ours = explorer.filter((m) => m.command.startsWith('maskInspector.'));
  assert.ok(ours.some((m) => m.command === 'maskInspector.compareMasks'));
  for (const item of ours) {
    const group = (item.group ?? '').split('@')[0];
    assert.notEqual(group, '3_compare', `${item.command} is in VS Code's compare group`);
    assert.match(group ?? '', /maskInspector/i, `${item.command} should be in a Mask Inspector group`);
  }
});

test('activates on startup (first run: masks opened in the text editor move to Mask Inspector)', () => {
  assert.ok(manifest.activationEvents.includes('onStartupFinished'));
});
