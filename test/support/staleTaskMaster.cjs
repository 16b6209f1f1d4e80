// A stand-in for a task-master writer, run by test/unit/staleWrites.test.ts from a copy named
// `node_modules/task-master-ai/dist/task-master.js` (the name the extension looks for). It does what
// task-master 0.43's writers do: read tasks.json without the lock, change one task, then under the
// proper-lockfile lock read the file again and write the whole tag back from its own (older) copy.
// Arguments: tasks file, tag, task id, status, and two files: one it creates once it has read,
// one it waits for before changing anything (so the test decides what happens in between).
const fs = require('node:fs');
const { createRequire } = require('node:module');
const lockfile = createRequire(process.env.STALE_WRITER_REQUIRE_FROM)('proper-lockfile');

const [tasksFile, tag, id, status, readFile, goFile] = process.argv.slice(2);

async function main() {
  const stale = JSON.parse(fs.readFileSync(tasksFile, 'utf8'));
  fs.writeFileSync(readFile, 'read');
  while (!fs.existsSync(goFile)) await new Promise((resolve) => setTimeout(resolve, 10));
  // Read again after the go signal when told to: then this writer has seen every earlier write.
  const base = process.env.STALE_WRITER_READ_AGAIN ? JSON.parse(fs.readFileSync(tasksFile, 'utf8')) : stale;
  const task = base[tag].tasks.find((candidate) => String(candidate.id) === id);
  Object.assign(task, { status, updatedAt: new Date().toISOString() });
  const release = await lockfile.lock(tasksFile, { stale: 10000, retries: { retries: 5, factor: 2, minTimeout: 100, maxTimeout: 1000 }, realpath: false });
  try {
    const fresh = JSON.parse(fs.readFileSync(tasksFile, 'utf8'));
    const temp = `${tasksFile}.tmp.${process.pid}`;
    fs.writeFileSync(temp, JSON.stringify({ ...fresh, [tag]: base[tag] }, null, 2));
    fs.renameSync(temp, tasksFile);
  } finally {
    await release();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
