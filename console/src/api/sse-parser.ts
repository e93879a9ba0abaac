/**
 * A parser of `text/event-stream` (the WHATWG rules that matter here): events are blocks separated by a
 * blank line; `id:`, `event:`, `data:` (several are joined by newlines) and `retry:` fields; lines starting
 * with `:` are comments (the server's heartbeats). Chunks may split anywhere, even inside a line.
 */
export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

export interface SseParser {
  push(chunk: string): void;
}

export function createSseParser(onEvent: (event: SseEvent) => void, onRetry?: (ms: number) => void): SseParser {
  let buffer = '';
  let data: string[] = [];
  let id: string | null = null;
  let event = '';

  const dispatch = () => {
    if (data.length > 0) onEvent({ id, event: event || 'message', data: data.join('\n') });
    data = [];
    event = '';
    id = null;
  };

  const line = (text: string) => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'retry' && /^\d+$/.test(value)) onRetry?.(Number(value));
  };

  return {
    push(chunk: string) {
      buffer += chunk;
      // A lone \r at the end may be the first half of \r\n: keep it for the next chunk.
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i];
        if (c !== '\n' && c !== '\r') continue;
        if (c === '\r' && i === buffer.length - 1) break;
        line(buffer.slice(start, i));
        if (c === '\r' && buffer[i + 1] === '\n') i++;
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
  };
}
