/** Upper bounds (seconds) of the request latency histogram. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = Record<string, string>;

class Counter {
  private readonly values = new Map<string, number>();

  add(labels: Labels, amount = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + amount);
  }

  lines(name: string): string[] {
    return [...this.values].map(([labels, value]) => `${name}${labels} ${value}`);
  }
}

class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  observe(labels: Labels, seconds: number): void {
    const key = labelText(labels);
    let entry = this.series.get(key);
    if (!entry) this.series.set(key, (entry = { labels, counts: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((bound, i) => seconds <= bound && entry.counts[i]++);
    entry.sum += seconds;
    entry.count++;
  }

  lines(name: string): string[] {
    return [...this.series.values()].flatMap(({ labels, counts, sum, count }) => [
      ...BUCKETS.map((bound, i) => `${name}_bucket${labelText({ ...labels, le: String(bound) })} ${counts[i]}`),
      `${name}_bucket${labelText({ ...labels, le: '+Inf' })} ${count}`,
      `${name}_sum${labelText(labels)} ${sum}`,
      `${name}_count${labelText(labels)} ${count}`,
    ]);
  }
}

/** The server's counters, rendered in Prometheus' text format for GET /metrics. */
export class Metrics {
  private readonly requests = new Counter();
  private readonly latency = new Histogram();
  private readonly toolCalls = new Counter();
  private readonly errors = new Counter();
  private readonly planWrites = new Counter();

  request(route: string, method: string, status: number, token: string, seconds: number): void {
    this.requests.add({ route, method, status: String(status), token });
    this.latency.observe({ route, token }, seconds);
  }

  toolCall(tool: string, token: string, outcome: 'ok' | 'error'): void {
    this.toolCalls.add({ tool, token, outcome });
  }

  error(kind: string, token: string): void {
    this.errors.add({ kind, token });
  }

  planWrite(project: string): void {
    this.planWrites.add({ project });
  }

  render(): string {
    const family = (name: string, type: string, help: string, lines: string[]) => [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines];
    return [
      ...family('tml_http_requests_total', 'counter', 'HTTP requests by route, method, status and token name.', this.requests.lines('tml_http_requests_total')),
      ...family('tml_http_request_duration_seconds', 'histogram', 'HTTP request latency by route and token name.', this.latency.lines('tml_http_request_duration_seconds')),
      ...family('tml_tool_calls_total', 'counter', 'MCP tool calls by tool, token name and outcome.', this.toolCalls.lines('tml_tool_calls_total')),
      ...family('tml_errors_total', 'counter', 'Errors by kind and token name ("-" before a token is known).', this.errors.lines('tml_errors_total')),
      ...family('tml_plan_writes_total', 'counter', 'Writes of a served plan made through this server.', this.planWrites.lines('tml_plan_writes_total')),
    ].join('\n') + '\n';
  }
}

function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return `{${pairs.join(',')}}`;
}
