// Counting for the soak scenarios: per-operation request counts, status histograms and
// latencies (a bounded reservoir, so that hours of traffic take constant memory), and the
// order statistics the reports quote.

import { randomInt } from 'node:crypto';

const RESERVOIR_SIZE = 20_000;

// The q-quantile (0..1) of numbers, by the nearest-rank method; undefined when empty.
export function quantile(values, q) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values) => quantile(values, 0.5);

export const round = (value, digits = 2) => (value === undefined ? undefined : Number(value.toFixed(digits)));

// Latency summary in milliseconds of a list of durations.
export function latencySummary(durationsMs) {
  return {
    count: durationsMs.length,
    p50Ms: round(quantile(durationsMs, 0.5), 3),
    p99Ms: round(quantile(durationsMs, 0.99), 3),
    maxMs: round(quantile(durationsMs, 1), 3),
  };
}

// Requests of one operation: how many, by status ("error" when no answer came), and a
// uniform sample of their latencies.
class OperationStats {
  constructor() {
    this.count = 0;
    this.statuses = new Map();
    this.latencies = [];
  }

  record(status, durationMs) {
    this.count += 1;
    const key = String(status);
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
    if (this.latencies.length < RESERVOIR_SIZE) {
      this.latencies.push(durationMs);
    } else {
      const slot = randomInt(this.count);
      if (slot < RESERVOIR_SIZE) this.latencies[slot] = durationMs;
    }
  }

  summary() {
    const statuses = Object.fromEntries([...this.statuses.entries()].sort(([a], [b]) => a.localeCompare(b)));
    const { p50Ms, p99Ms, maxMs } = latencySummary(this.latencies);
    return { requests: this.count, statuses, p50Ms, p99Ms, maxMs };
  }
}

export class TrafficStats {
  constructor() {
    this.operations = new Map();
  }

  record(operation, status, durationMs) {
    if (!this.operations.has(operation)) this.operations.set(operation, new OperationStats());
    this.operations.get(operation).record(status, durationMs);
  }

  // Runs request() (which resolves with a response carrying .status), records it under
  // operation, and returns the response; a request that throws is recorded as "error" and
  // rethrown.
  async time(operation, request) {
    const start = performance.now();
    try {
      const res = await request();
      this.record(operation, res.status, performance.now() - start);
      return res;
    } catch (err) {
      this.record(operation, 'error', performance.now() - start);
      throw err;
    }
  }

  summary() {
    const names = [...this.operations.keys()].sort();
    return Object.fromEntries(names.map((name) => [name, this.operations.get(name).summary()]));
  }
}

// Failures (which fail the scenario) and findings (reported, not failing), each kept with
// a count per kind and the first few details.
export class Outcome {
  constructor(detailLimit = 20) {
    this.detailLimit = detailLimit;
    this.failures = new Map();
    this.findings = new Map();
  }

  static add(map, kind, detail, limit) {
    const entry = map.get(kind) ?? { kind, count: 0, examples: [] };
    entry.count += 1;
    if (detail !== undefined && entry.examples.length < limit) entry.examples.push(String(detail).slice(0, 500));
    map.set(kind, entry);
  }

  fail(kind, detail) {
    Outcome.add(this.failures, kind, detail, this.detailLimit);
  }

  note(kind, detail) {
    Outcome.add(this.findings, kind, detail, this.detailLimit);
  }

  get failed() {
    return this.failures.size > 0;
  }

  summary() {
    return { failures: [...this.failures.values()], findings: [...this.findings.values()] };
  }
}
