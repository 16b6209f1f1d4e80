import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { resolveServerConfig, ServerConfigError } from '../../../src/server/serverConfig';
import { makeProject, tagged, task, tempDir } from '../../support/planBuilder';

const noFlags = { projects: [], allowedHosts: [], allowedOrigins: [] };

describe('tml serve configuration: flags over the config file over the defaults', () => {
  it('reads a config file, its paths relative to the file and ~ as the home folder; a flag wins', async () => {
    const { root } = await makeProject(tagged({ master: [task({ id: 1 })] }));
    const home = await tempDir('tml-home-');
    const configDir = await tempDir('tml-config-');
    await fs.symlink(root, path.join(home, 'web'));
    await fs.symlink(root, path.join(configDir, 'infra'));
    const file = path.join(configDir, 'serve.json');
    await fs.writeFile(file, JSON.stringify({ projects: { web: '~/web', infra: './infra' }, port: 4000, tokensFile: 'tokens.json', rateLimitPerMinute: 60 }));
    // os.homedir() follows $HOME on this platform.
    const homeBefore = process.env.HOME;
    process.env.HOME = home;
    try {
      const config = await resolveServerConfig({ ...noFlags, config: file, port: '4100' });
      const real = await fs.realpath(root);
      assert.deepEqual(config.projects, [{ name: 'web', root: real }, { name: 'infra', root: real }]);
      assert.equal(config.port, 4100, 'the flag wins over the file');
      assert.equal(config.host, '127.0.0.1', 'the default host');
      assert.equal(config.rateLimitPerMinute, 60);
      assert.equal(config.tokensFile, path.join(configDir, 'tokens.json'));
      const flagged = await resolveServerConfig({ ...noFlags, projects: ['web=~/web'], tokens: '~/tokens.json' });
      assert.deepEqual(flagged.projects, [{ name: 'web', root: real }]);
      assert.equal(flagged.tokensFile, path.join(home, 'tokens.json'));
    } finally {
      if (homeBefore === undefined) delete process.env.HOME;
      else process.env.HOME = homeBefore;
    }
  });

  it('stops on a folder without a plan, a bad name, a name given twice and a port out of range, saying what to change', async () => {
    const { root } = await makeProject(tagged({ master: [task({ id: 1 })] }));
    const empty = await tempDir();
    const cases: Array<[string[], string | undefined, RegExp]> = [
      [[`demo=${empty}`], undefined, /holds no Task Master plan .* Run tml init there/],
      [[`a/b=${root}`], undefined, /project name "a\/b" must be letters/],
      [[`demo=${root}`, `demo=${root}`], undefined, /"demo" is given twice/],
      [[`demo=${root}`], '70000', /--port must be a whole number from 0 to 65535/],
      [[], undefined, /no project to serve/],
    ];
    for (const [projects, port, message] of cases) {
      await assert.rejects(resolveServerConfig({ ...noFlags, projects, port }), (error: unknown) => error instanceof ServerConfigError && message.test(error.message));
    }
  });
});
