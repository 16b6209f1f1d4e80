import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { tml } from '../../support/tmlRunner';
import { tempDir } from '../../support/planBuilder';
import { defaultTokensFile, TokenRegistry } from '../../../src/server/tokens';

describe('tml token: the plan server\'s bearer tokens', () => {
  it('adds a token, printed once, and stores only its sha256 in a 0600 file inside a 0700 folder', async () => {
    const file = path.join(await tempDir(), 'conf', 'taskmaster-local', 'tokens.json');
    const added = await tml(['token', 'add', 'laptop', '--scope', 'write', '--tokens', file]);
    assert.equal(added.code, 0, added.err);
    const token = added.out.trim();
    assert.match(token, /^tml_[A-Za-z0-9_-]{43}$/);
    assert.match(added.err, /shown only this once/);
    const text = await fs.readFile(file, 'utf8');
    assert.ok(!text.includes(token) && !text.includes(token.slice(4)), 'the token itself is never stored');
    const stored = JSON.parse(text);
    assert.equal(stored.version, 1);
    assert.deepEqual(
      stored.tokens.map((entry: Record<string, string>) => [entry.name, entry.scope, entry.sha256]),
      [['laptop', 'write', createHash('sha256').update(token).digest('hex')]],
    );
    assert.ok(!Number.isNaN(Date.parse(stored.tokens[0].created)));
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    assert.equal((await fs.stat(path.dirname(file))).mode & 0o777, 0o700);
    assert.deepEqual(await fs.readdir(path.dirname(file)), ['tokens.json'], 'no temp file left behind');
  });

  it('lists names, scopes and dates, never a token; revokes by name; refuses duplicates and bad scopes', async () => {
    const file = path.join(await tempDir(), 'tokens.json');
    const reader = (await tml(['token', 'add', 'ci', '--scope', 'read', '--tokens', file])).out.trim();
    await tml(['token', 'add', 'editor', '--scope', 'write', '--tokens', file]);
    const listed = await tml(['token', 'list', '--tokens', file]);
    assert.match(listed.out, /^ci\s+read\s+\d{4}-/m);
    assert.match(listed.out, /^editor\s+write\s+\d{4}-/m);
    assert.ok(!listed.out.includes(reader));
    const duplicate = await tml(['token', 'add', 'ci', '--scope', 'read', '--tokens', file]);
    assert.equal(duplicate.code, 2);
    assert.match(duplicate.err, /A token named "ci" exists already/);
    const badScope = await tml(['token', 'add', 'x', '--scope', 'admin', '--tokens', file]);
    assert.equal(badScope.code, 2);
    assert.match(badScope.err, /--scope must be read or write, not "admin"/);
    assert.equal((await tml(['token', 'revoke', 'ci', '--tokens', file])).code, 0);
    assert.deepEqual(JSON.parse((await tml(['token', 'list', '--json', '--tokens', file])).out).map((entry: { name: string }) => entry.name), ['editor']);
    const missing = await tml(['token', 'revoke', 'ci', '--tokens', file]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no token named "ci"/);
  });

  it('refuses a damaged tokens file with its name instead of overwriting it', async () => {
    const file = path.join(await tempDir(), 'tokens.json');
    await fs.writeFile(file, '{"tokens": [oops');
    const result = await tml(['token', 'add', 'a', '--scope', 'read', '--tokens', file]);
    assert.equal(result.code, 2);
    assert.match(result.err, /tokens\.json is not valid JSON/);
    assert.equal(await fs.readFile(file, 'utf8'), '{"tokens": [oops');
  });

  it('lives under $XDG_CONFIG_HOME, else ~/.config', () => {
    assert.equal(defaultTokensFile({ XDG_CONFIG_HOME: '/xdg' }), path.join('/xdg', 'taskmaster-local', 'tokens.json'));
    assert.match(defaultTokensFile({}), /\.config[\\/]taskmaster-local[\\/]tokens\.json$/);
  });

  it('a registry knows a token by its hash and forgets a revoked one without being reopened', async () => {
    const file = path.join(await tempDir(), 'tokens.json');
    const token = (await tml(['token', 'add', 'bot', '--scope', 'read', '--tokens', file])).out.trim();
    const registry = await TokenRegistry.open(file, (error) => assert.fail(error));
    try {
      assert.deepEqual(registry.verify(token), { name: 'bot', scope: 'read' });
      assert.equal(registry.verify(token + 'x'), undefined);
      assert.equal(registry.verify(''), undefined);
      await tml(['token', 'revoke', 'bot', '--tokens', file]);
      while (registry.verify(token)) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      registry.dispose();
    }
  });
});
