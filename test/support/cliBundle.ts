import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { tempDir } from './planBuilder';

let bundled: Promise<string> | undefined;

/**
 * The tml command line bundled as the build bundles it, into a temp folder, for programs that
 * start tml themselves (git running the merge driver). Built once per test run.
 */
export function cliBundle(): Promise<string> {
  bundled ??= (async () => {
    const outfile = path.join(await tempDir('tml-cli-'), 'cli.js');
    await esbuild.build({
      entryPoints: [path.join(__dirname, '..', '..', 'src', 'cli', 'main.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      mainFields: ['module', 'main'],
      logLevel: 'warning',
    });
    return outfile;
  })();
  return bundled;
}
