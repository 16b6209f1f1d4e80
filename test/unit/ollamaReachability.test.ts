import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { AiService } from '../../src/ai/aiService';
import { resolveAiSettings } from '../../src/ai/aiSettings';
import { OllamaInference } from '../../src/ai/ollamaInference';
import { isOllamaReachable } from '../../src/ai/ollamaReachability';
import { closeServer, listenOnFreeLocalPort } from '../support/localServer';
import { OllamaStandIn } from '../support/ollamaStandIn';

/** A port that refuses connections: a server started and closed again. */
async function closedPort(): Promise<string> {
  const server = http.createServer();
  const port = await listenOnFreeLocalPort(server);
  await closeServer(server);
  return `http://127.0.0.1:${port}`;
}

function serviceFor(endpoints: string[]): AiService {
  return new AiService(new OllamaInference(resolveAiSettings({}, { endpoints, model: 'llama3.2' })));
}

describe('Ollama reachability before an AI command asks anything (issue 14)', () => {
  it('probes a host nothing is known about, then answers from what it learned', async () => {
    const ollama = await OllamaStandIn.start();
    const ai = serviceFor([ollama.url]);
    assert.equal(ai.inference.knownReachable(ollama.url), undefined);
    assert.equal(await isOllamaReachable(ai, [ollama.url]), true);
    assert.equal(ai.inference.knownReachable(ollama.url), true);
    await ollama.stop();
    // The host went away, but it answered a moment ago: no second probe before the command runs.
    assert.equal(await isOllamaReachable(ai, [ollama.url]), true);
  });

  it('says no for a refused host and remembers it as down', async () => {
    const host = await closedPort();
    const ai = serviceFor([host]);
    assert.equal(await isOllamaReachable(ai, [host]), false);
    assert.equal(ai.inference.knownReachable(host), false);
    assert.equal(await isOllamaReachable(ai, [host]), false);
  });

  it('gives up on a host that accepts the connection but never answers', async () => {
    const silent = http.createServer(() => undefined);
    const port = await listenOnFreeLocalPort(silent);
    try {
      const host = `http://127.0.0.1:${port}`;
      assert.equal(await isOllamaReachable(serviceFor([host]), [host], 200), false);
    } finally {
      await closeServer(silent);
    }
  });

  it('is reachable when any host answers', async () => {
    const ollama = await OllamaStandIn.start();
    try {
      const down = await closedPort();
      assert.equal(await isOllamaReachable(serviceFor([down, ollama.url]), [down, ollama.url]), true);
    } finally {
      await ollama.stop();
    }
  });

  it('uses what a failed request taught: a host noted down is not probed again', async () => {
    const ollama = await OllamaStandIn.start();
    try {
      const ai = serviceFor([ollama.url]);
      ai.inference.noteHealth(ollama.url, false);
      assert.equal(await isOllamaReachable(ai, [ollama.url]), false);
    } finally {
      await ollama.stop();
    }
  });
});
