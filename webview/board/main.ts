/** The board webview's entry: its stylesheet, the page, and the extension's messages. */
import './board.css';
import type { ExtensionMessage } from '../../src/board/protocol';
import { BoardApp } from './boardApp';

const app = new BoardApp(document.getElementById('app') ?? document.body);
// Messages from the extension arrive as window messages; the panel is their only sender.
window.addEventListener('message', (event: MessageEvent<ExtensionMessage>) => {
  if (typeof event.data?.type === 'string') app.receive(event.data);
});
app.start();
