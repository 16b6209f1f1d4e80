// Test-only companion extension: in code-server there is no @vscode/test-electron to load the
// extension-host suite, so this extension does it. When the code-server process was started with
// TML_EXTHOST_SUITE (path of dist/test/extension/suite.js) and TML_EXTHOST_RESULTS (a JSON file to
// write), it runs the suite and writes { passed, failed, failures: [{ title, message }] } there.
const fs = require('node:fs');

exports.activate = async () => {
  const suite = process.env.TML_EXTHOST_SUITE;
  const results = process.env.TML_EXTHOST_RESULTS;
  if (!suite || !results) return;
  let outcome;
  try {
    outcome = await require(suite).runSuite();
  } catch (error) {
    outcome = { passed: 0, failed: 1, failures: [{ title: `loading ${suite}`, message: error && error.stack ? error.stack : String(error) }] };
  }
  // Written whole, then renamed: the test polls for the file and must never read half of it.
  fs.writeFileSync(`${results}.partial`, JSON.stringify(outcome, null, 2));
  fs.renameSync(`${results}.partial`, results);
};
