import { scopeTool } from './scopeTool';

export const scopeUpTask = scopeTool('up');
