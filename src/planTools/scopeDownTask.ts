import { scopeTool } from './scopeTool';

export const scopeDownTask = scopeTool('down');
