// The soak runner (started by tests/soak/run): runs the named scenarios, or all, one after
// the other against VOLKRIN_BIN, each within its time budget, and writes results.json and
// results.md into SOAK_RESULTS. Exit status 1 when a scenario failed, 2 on bad usage.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { repoRoot } from '../contract/harness.mjs';
import { serverBinary } from './lib/server.mjs';
import { runContext, summaryTable, writeResults } from './lib/report.mjs';
import { Outcome } from './lib/stats.mjs';
import fullDisk from './scenarios/full-disk.mjs';
import idleConnections from './scenarios/idle-connections.mjs';
import killRestart from './scenarios/kill-restart.mjs';
import mixedTraffic from './scenarios/mixed-traffic.mjs';

const SCENARIOS = [mixedTraffic, idleConnections, killRestart, fullDisk];

// name: [environment variable, default, description]
const SETTINGS = {
  minutes: ['SOAK_MINUTES', 30, 'mixed-traffic: minutes of traffic'],
  tracks: ['SOAK_TRACKS', 40, 'mixed-traffic: tracks kept in the library (uploads and deletes hold it between this and twice this)'],
  rssIntervalS: ['SOAK_RSS_INTERVAL', 10, 'seconds between samples of the server RSS'],
  idleConnections: ['SOAK_IDLE_CONNECTIONS', 10000, 'idle-connections: keep-alive connections held'],
  idleSeconds: ['SOAK_IDLE_SECONDS', 60, 'idle-connections: seconds they are held'],
  healthRequests: ['SOAK_HEALTH_REQUESTS', 2000, 'idle-connections: sequential /api/health requests timed, before and while held'],
  killRounds: ['SOAK_KILL_ROUNDS', 5, 'kill-restart: kills and restarts'],
  killMinMs: ['SOAK_KILL_MIN_MS', 200, 'kill-restart: earliest kill, ms after the load started'],
  killMaxMs: ['SOAK_KILL_MAX_MS', 3000, 'kill-restart: latest kill'],
  diskSize: ['SOAK_DISK_SIZE', '8m', 'full-disk: size of the tmpfs for DATA_DIR/media'],
};

function usage() {
  const lines = [
    'usage: tests/soak/run [--list] [SCENARIO ...]',
    '',
    'Runs the named scenarios (all when none is named) against VOLKRIN_BIN (default build/volkrin)',
    'on 127.0.0.1, and writes results.json and results.md into SOAK_RESULTS (default build/soak).',
    '',
    'scenarios:',
    ...SCENARIOS.map((s) => `  ${s.name.padEnd(18)} ${s.describe}`),
    '',
    'settings (environment):',
    ...Object.values(SETTINGS).map(([env, def, text]) => `  ${`${env}=${def}`.padEnd(28)} ${text}`),
    '  SOAK_PASSWORD_HASH_COST=min  PASSWORD_HASH_COST of the servers',
    '  SOAK_KEEP_DATA=1             keep the temporary data directories',
  ];
  return lines.join('\n');
}

function readOptions() {
  const options = {};
  for (const [name, [env, def]] of Object.entries(SETTINGS)) {
    const raw = process.env[env];
    if (raw === undefined || raw === '') {
      options[name] = def;
    } else if (typeof def === 'number') {
      const value = Number(raw);
      if (!Number.isFinite(value) || value <= 0) throw new Error(`${env} must be a positive number (got ${JSON.stringify(raw)})`);
      options[name] = value;
    } else if (!/^\d+[kmg]?$/i.test(raw)) {
      throw new Error(`${env} must be a size such as 8m (got ${JSON.stringify(raw)})`);
    } else {
      options[name] = raw;
    }
  }
  if (options.killMaxMs < options.killMinMs) throw new Error('SOAK_KILL_MAX_MS must not be below SOAK_KILL_MIN_MS');
  options.idleConnections = Math.round(options.idleConnections);
  options.rssIntervalMs = options.rssIntervalS * 1000;
  return options;
}

// Runs cleanups last-registered first; failures go to outcome.
async function runCleanups(cleanups, outcome) {
  while (cleanups.length) {
    try {
      await cleanups.pop()();
    } catch (err) {
      outcome.fail('cleanup error', err.message);
    }
  }
}

// The scenario running now, so that an interrupt can clean up after it (stop its servers,
// unmount, remove its directories) before the process exits.
let current;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    console.error(`soak: ${signal}: stopping`);
    if (current) {
      current.controller.abort();
      await runCleanups(current.cleanups, current.outcome);
    }
    process.exit(130);
  });
}

// Runs one scenario within its budget; returns its entry of the results.
async function runScenario(scenario, options) {
  const outcome = new Outcome();
  const controller = new AbortController();
  const cleanups = [];
  current = { controller, cleanups, outcome };
  const ctx = {
    options,
    outcome,
    signal: controller.signal,
    metrics: {},
    tables: [],
    headline: undefined,
    skipReason: undefined,
    log: (message) => console.log(`soak: ${scenario.name}: ${message}`),
    onCleanup: (fn) => cleanups.push(fn),
    skip: (reason) => {
      ctx.skipReason = reason;
    },
    table: (title, columns, rows) => ctx.tables.push({ title, columns, rows }),
    tempDir: (prefix) => {
      const dir = mkdtempSync(path.join(tmpdir(), `volkrin-soak-${prefix}`));
      cleanups.push(() => {
        if (process.env.SOAK_KEEP_DATA === '1') console.log(`soak: ${scenario.name}: kept ${dir}`);
        else rmSync(dir, { recursive: true, force: true });
      });
      return dir;
    },
  };

  const budgetS = scenario.budgetSeconds(options);
  console.log(`soak: ${scenario.name}: start (at most ${budgetS} s)`);
  const started = performance.now();
  let timer;
  const timeUp = new Promise((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve('timeout');
    }, budgetS * 1000);
  });
  try {
    const ended = await Promise.race([scenario.run(ctx).then(() => 'done'), timeUp]);
    if (ended === 'timeout') outcome.fail('time limit', `did not finish within ${budgetS} s`);
  } catch (err) {
    outcome.fail('scenario error', err.stack ?? String(err));
  } finally {
    clearTimeout(timer);
    controller.abort();
    await runCleanups(cleanups, outcome);
    current = undefined;
  }
  const { failures, findings } = outcome.summary();
  let status = failures.length ? 'failed' : 'passed';
  if (ctx.skipReason && !failures.length) status = 'skipped';
  const durationS = Number(((performance.now() - started) / 1000).toFixed(1));
  console.log(`soak: ${scenario.name}: ${status} in ${durationS} s${ctx.headline ? `: ${ctx.headline}` : ''}`);
  for (const f of failures) console.log(`soak: ${scenario.name}: FAILURE ${f.kind} (${f.count}): ${f.examples[0] ?? ''}`);
  for (const f of findings) console.log(`soak: ${scenario.name}: finding ${f.kind} (${f.count}): ${f.examples[0] ?? ''}`);
  return {
    name: scenario.name,
    describe: scenario.describe,
    status,
    skipReason: ctx.skipReason,
    durationS,
    headline: ctx.headline,
    failures,
    findings,
    tables: ctx.tables,
    metrics: ctx.metrics,
  };
}

async function main(args) {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage());
    return 0;
  }
  if (args.includes('--list')) {
    for (const s of SCENARIOS) console.log(s.name);
    return 0;
  }
  const unknown = args.filter((a) => !SCENARIOS.some((s) => s.name === a));
  if (unknown.length) {
    console.error(`soak: unknown scenario ${unknown.join(', ')}\n\n${usage()}`);
    return 2;
  }
  let options;
  try {
    options = readOptions();
  } catch (err) {
    console.error(`soak: ${err.message}`);
    return 2;
  }
  const selected = args.length ? SCENARIOS.filter((s) => args.includes(s.name)) : SCENARIOS;
  const resultsDir = path.resolve(process.env.SOAK_RESULTS || path.join(repoRoot, 'build', 'soak'));
  const context = runContext(repoRoot, serverBinary);
  const settings = Object.fromEntries(Object.entries(SETTINGS).map(([name, [env]]) => [env, options[name]]));
  settings.SOAK_PASSWORD_HASH_COST = process.env.SOAK_PASSWORD_HASH_COST || 'min';

  const scenarios = [];
  for (const scenario of selected) {
    scenarios.push(await runScenario(scenario, options));
    // Written after each scenario, so that a run cut short still leaves what it measured.
    writeResults(resultsDir, { ...context, options: settings, scenarios });
  }
  const files = writeResults(resultsDir, { ...context, options: settings, scenarios });
  console.log(`\n${summaryTable(scenarios)}\n\nsoak: results in ${files.md} and ${files.json}`);
  return scenarios.some((s) => s.status === 'failed') ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
// Whatever a timed-out scenario left running (sockets, timers) must not keep the process up.
process.exit();
