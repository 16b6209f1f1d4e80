// The board's peer in `npm run bench -- views`: a webview of the master tag's task titles, each in
// the board's markup for a card (`[data-task-id] .card-title`, pending ones under
// `[data-column="pending"]`). Its first render is the page's HTML with every card in it, no
// message after load. It follows outside edits of a plan file with nothing in between:
// a watcher on the file's folder, a read and JSON.parse on each event for the file, every title
// posted, and the page setting the ones that differ. What an outside edit costs to reach a webview
// in this VS Code before any work of the board's own: no debounce, no index, no diff, no checks.
// It follows a copy of the plan in peer-board/, which the Taskmaster extension does not watch, so
// the extension's own work on a change does not count against it.
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

exports.activate = (context) => {
  const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
  const tasksFile = path.join(folder, 'peer-board', 'tasks.json');
  const readTasks = () => JSON.parse(fs.readFileSync(tasksFile, 'utf8')).master.tasks;
  context.subscriptions.push(
    vscode.commands.registerCommand('peerBoard.open', () => {
      const panel = vscode.window.createWebviewPanel('peerBoard', 'Peer Board', vscode.ViewColumn.Active, { enableScripts: true });
      panel.webview.html = page(readTasks());
      const watcher = fs.watch(path.dirname(tasksFile), (_event, name) => {
        if (name !== path.basename(tasksFile)) return;
        let tasks;
        try {
          tasks = readTasks();
        } catch {
          return; // caught half-written: the next event reads it whole
        }
        void panel.webview.postMessage(tasks.map((task) => [String(task.id), task.title]));
      });
      panel.onDidDispose(() => watcher.close());
    }),
  );
};

function page(tasks) {
  const escape = (text) => String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const cards = (list) => list.map((task) => `<div data-task-id="${escape(task.id)}"><span class="card-title">${escape(task.title)}</span></div>`).join('');
  return `<!DOCTYPE html><html><body>
<div data-column="pending">${cards(tasks.filter((task) => task.status === 'pending'))}</div>
<div data-column="other">${cards(tasks.filter((task) => task.status !== 'pending'))}</div>
<script>requestAnimationFrame(() => setTimeout(() => performance.mark('cards painted')));</script>
<script>
const titles = new Map([...document.querySelectorAll('[data-task-id]')].map((card) => [card.dataset.taskId, card.querySelector('.card-title')]));
window.addEventListener('message', (event) => {
  for (const [id, title] of event.data) {
    const element = titles.get(id);
    if (element && element.textContent !== title) element.textContent = title;
  }
});
</script></body></html>`;
}
