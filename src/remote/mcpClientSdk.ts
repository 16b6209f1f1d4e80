// The MCP client parts a served plan is followed with. The extension build makes this module a
// bundle of its own (dist/lib/mcp-client.js, see esbuild.mjs), loaded when a served plan is first
// followed, so the SDK costs nothing at activation for folders with a local tasks.json.
export { Client } from '@modelcontextprotocol/sdk/client/index.js';
export { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
export { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
