// Test-only language model standing in for Copilot: the chat participant under test is the real
// one, only the model is replaced. It answers from what it is sent, so a test fails when the
// participant sends the wrong thing: asked a question with a <plan> block, it names the plan
// lines that contain a word of the question, as "#<id> <title>"; asked for tasks from a <prd>
// (with a JSON schema), it makes one task per ';'-separated part of the PRD; asked to break
// "Task N: <title>" into subtasks, it answers "Plan <title>" then "Build <title>".
const vscode = require('vscode');

const MODEL = {
  id: 'tml-stand-in',
  name: 'TML Stand-in',
  family: 'stand-in',
  version: '1',
  maxInputTokens: 32000,
  maxOutputTokens: 4000,
  capabilities: { toolCalling: true, imageInput: false },
};

const STOP_WORDS = new Set(['which', 'what', 'tasks', 'task', 'about', 'should', 'after', 'with', 'from', 'that', 'this', 'does']);

function textOf(message) {
  return message.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

function tasksFromPrd(prd) {
  const parts = prd.split(/[;\n]/).map((part) => part.trim()).filter(Boolean);
  const tasks = parts.map((title, index) => ({ id: index + 1, title, description: `Build the ${title}.`, details: '', testStrategy: '', priority: 'medium', dependencies: index ? [index] : [] }));
  return JSON.stringify({ tasks });
}

function subtasksFor(prompt) {
  const title = (/^Task [\d.]+: (.*)$/m.exec(prompt) || [])[1] || 'the task';
  const subtask = (id, verb) => ({ id, title: `${verb} ${title}`, description: `${verb} it.`, details: '', testStrategy: '', dependencies: id > 1 ? [id - 1] : [] });
  return JSON.stringify({ subtasks: [subtask(1, 'Plan'), subtask(2, 'Build')] });
}

function answer(messages) {
  const texts = messages.map(textOf);
  const expandText = texts.find((text) => text.startsWith('Break this task into'));
  if (expandText) return subtasksFor(expandText);
  const prdText = texts.find((text) => text.includes('<prd>'));
  if (prdText) return tasksFromPrd(prdText.slice(prdText.indexOf('<prd>') + 5, prdText.indexOf('</prd>')));
  const planText = texts.find((text) => text.includes('<plan>'));
  if (!planText) return 'The stand-in model only answers questions about a plan.';
  const question = texts[texts.length - 1].toLowerCase();
  const words = (question.match(/[a-z][a-z0-9-]{3,}/g) || []).filter((word) => !STOP_WORDS.has(word));
  const plan = planText.slice(planText.indexOf('<plan>'), planText.indexOf('</plan>'));
  const found = plan
    .split('\n')
    .map((line) => /^(\d+(?:\.\d+)?) \[[^\]]+\] \w+: (.*?)(?:; after .*)?(?: \[\d+\/\d+ subtasks done\])?$/.exec(line))
    .filter((match) => match && words.some((word) => match[2].toLowerCase().includes(word)));
  return found.length ? `From the plan:\n${found.map((match) => `- #${match[1]} ${match[2]}`).join('\n')}` : 'The plan does not say.';
}

exports.activate = (context) => {
  context.subscriptions.push(
    vscode.lm.registerLanguageModelChatProvider('tml-test', {
      provideLanguageModelChatInformation: () => [MODEL],
      provideLanguageModelChatResponse: async (_model, messages, _options, progress) => {
        progress.report(new vscode.LanguageModelTextPart(answer(messages)));
      },
      provideTokenCount: (_model, text) => Math.ceil((typeof text === 'string' ? text : textOf(text)).length / 4),
    }),
  );
  // Models are resolved when someone asks for them; ask once so the chat's model picker lists it.
  void vscode.lm.selectChatModels({ vendor: 'tml-test' });
};
