// The Tasks tree's peer in `npm run bench -- views`: the plan's master tag read with JSON.parse at
// activation and handed to VS Code as plain tree items, rows expanded as the Tasks tree expands
// them (in-progress tasks with subtasks). No index, no checks, no caching: VS Code's own cost of an
// extension's tree of that many rows. "Peer Warm-up" is opened first so neither tree pays for
// loading VS Code's extension-tree code; it activates this extension too, after the Taskmaster
// extension has activated, so the parse here counts in neither its activation nor a timed tree.
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

exports.activate = (context) => {
  const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
  const plan = JSON.parse(fs.readFileSync(path.join(folder, '.taskmaster', 'tasks', 'tasks.json'), 'utf8'));
  const tasks = plan.master.tasks;
  const State = vscode.TreeItemCollapsibleState;
  const tasksProvider = {
    getChildren: (task) => (task ? task.subtasks.map((sub) => ({ ...sub, id: `${task.id}.${sub.id}`, subtasks: [] })) : tasks),
    getTreeItem: (task) => {
      const state = task.subtasks.length === 0 ? State.None : task.status === 'in-progress' ? State.Expanded : State.Collapsed;
      const item = new vscode.TreeItem(`peer ${task.id} ${task.title}`, state);
      item.description = `${task.status} · ${task.priority ?? ''}`;
      item.iconPath = new vscode.ThemeIcon('circle-large-outline');
      return item;
    },
  };
  // One row with children: expanding it loads VS Code's code for an extension tree's expansion too.
  const warmUpProvider = {
    getChildren: (element) => (element ? (element === 'warm-up' ? ['warm-up 1', 'warm-up 2', 'warm-up 3'] : []) : ['warm-up']),
    getTreeItem: (label) => new vscode.TreeItem(label, label === 'warm-up' ? State.Collapsed : State.None),
  };
  context.subscriptions.push(
    vscode.window.createTreeView('peerTree.tasks', { treeDataProvider: tasksProvider }),
    vscode.window.createTreeView('peerTree.warmUp', { treeDataProvider: warmUpProvider }),
  );
};
