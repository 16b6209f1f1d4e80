import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const SRC = path.join(__dirname, '..', '..', 'src');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)])));
  return nested.flat().filter((file) => file.endsWith('.ts'));
}

describe('Notifications on shutdown (issue 14)', () => {
  // A notification still open when the window reloads rejects ("Channel has been closed"); only the
  // wrappers in src/notifications.ts settle that, so nothing else may call vscode.window's directly.
  it('go through src/notifications.ts everywhere', async () => {
    const direct: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      if (path.basename(file) === 'notifications.ts') continue;
      const text = await fs.readFile(file, 'utf8');
      if (/window\s*\.\s*show(Information|Warning|Error)Message\b/.test(text)) direct.push(path.relative(SRC, file));
    }
    assert.deepEqual(direct, []);
  });
});
