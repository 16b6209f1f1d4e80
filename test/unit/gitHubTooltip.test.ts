import * as assert from 'node:assert/strict';
import { escapeMarkdown } from '../../src/core/markdown';
import { gitHubTooltipSection } from '../../src/tree/gitHubTooltip';

describe('the GitHub section of a task\'s tooltip', () => {
  it('links the issue and the pull requests that name the task', () => {
    const section = gitHubTooltipSection({
      number: 7,
      url: 'https://github.com/octo-org/widgets/issues/7',
      state: 'open',
      repository: 'octo-org/widgets',
      pullRequests: [{ number: 20, url: 'https://github.com/octo-org/widgets/pull/20', state: 'merged', title: 'Fix (login) *now*' }],
    });
    assert.equal(
      section,
      '**GitHub**\n\n' +
        '- $(issues) Issue [\\#7](https://github.com/octo-org/widgets/issues/7) (open)\n' +
        '- $(git-pull-request) [\\#20](https://github.com/octo-org/widgets/pull/20) Fix \\(login\\) \\*now\\* (merged)\n\n',
    );
    assert.equal(gitHubTooltipSection({ repository: 'octo-org/widgets' }), '', 'nothing to show: no section');
  });

  it('shows what tasks.json says as text: a state cannot add Markdown, and only https URLs become links', () => {
    const section = gitHubTooltipSection({
      number: 7,
      url: 'javascript:alert(1)',
      pullRequests: [
        { number: 20, url: 'command:workbench.action.terminal.new', state: '[click](command:x) $(alert) <b>', title: 'T' } as never,
        { number: 21, url: 'http://github.example/pull/21', state: 'open', title: 'U' },
        { number: 22, url: 'https://github.example/pull/22 (x)', state: 'open', title: 'V' },
        { number: 23, url: 'file:///etc/passwd`', state: 'open', title: 'W' },
      ],
    });
    const [issue, commandPull, httpPull, httpsPull, filePull] = section.split('\n').filter((line) => line.startsWith('- '));
    assert.equal(issue, '- $(issues) Issue \\#7 ` javascript:alert(1) `');
    assert.equal(commandPull, '- $(git-pull-request) \\#20 ` command:workbench.action.terminal.new ` T (\\[click\\]\\(command:x\\) \\$\\(alert\\) \\<b\\>)');
    assert.equal(httpPull, '- $(git-pull-request) \\#21 ` http://github.example/pull/21 ` U (open)');
    assert.equal(httpsPull, '- $(git-pull-request) [\\#22](https://github.example/pull/22%20%28x%29) V (open)');
    assert.equal(filePull, '- $(git-pull-request) \\#23 `` file:///etc/passwd` `` W (open)');
    assert.doesNotMatch(section, /\]\((?!https:)/, 'no link target but https');
  });

  it('escapes every character Markdown or a theme icon would act on', () => {
    assert.equal(escapeMarkdown('a_b *c* [d](e) `f` #1 $(g) <h> &amp; x.y!'), 'a\\_b \\*c\\* \\[d\\]\\(e\\) \\`f\\` \\#1 \\$\\(g\\) \\<h\\> \\&amp; x\\.y\\!');
  });
});
