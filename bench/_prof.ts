import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { packageExtension } from '../test/e2e/stagedExtension';
import { launchVSCode, openViewContainer, waitForRows } from '../test/e2e/vscodeHarness';
import { taskMasterText } from '../test/support/planBuilder';
import { generateLargePlan } from '../test/support/planGenerator';
import { logLine } from './boardRender';
async function main() {
  const n = Number(process.argv[2] ?? 10000);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'prof-'));
  await fs.mkdir(path.join(dir, 'ext'), { recursive: true });
  const { extensionDir } = packageExtension(path.join(dir, 'ext'));
  const workspace = path.join(dir, 'ws');
  await fs.mkdir(path.join(workspace, '.taskmaster', 'tasks'), { recursive: true });
  await fs.writeFile(path.join(workspace, '.taskmaster', 'tasks', 'tasks.json'), taskMasterText(generateLargePlan(n)));
  const session = await launchVSCode({ extensionDevPath: extensionDir, workspace });
  try {
    await openViewContainer(session.page, 'Taskmaster', 60_000);
    await waitForRows(session.page, 'rows', (rows) => rows.some((row) => /^\d+ /.test(row)), 60_000);
    const line = await logLine(session.logsDir, 'activated', /Activated in .*/, 60_000);
    console.log(line);
    await new Promise((r) => setTimeout(r, 2000));
  } finally {
    await session.close();
  }
}
void main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
