// `npm run update-tool-manifest`: writes package.json's languageModelTools from the plan tools'
// definitions (src/agentTools/toolManifest.ts); test/unit/manifest.test.ts checks they agree.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { languageModelTools, toolContribution } from '../src/agentTools/toolManifest';

const file = path.join(__dirname, '..', 'package.json');
const manifest = JSON.parse(readFileSync(file, 'utf8'));
manifest.contributes.languageModelTools = languageModelTools().map(toolContribution);
writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
