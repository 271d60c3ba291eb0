// Soak scenario "idle-connections": SOAK_IDLE_CONNECTIONS keep-alive connections (default
// 10,000), each having made one request, are held idle for SOAK_IDLE_SECONDS while
// /api/health is timed on a separate connection (SOAK_HEALTH_REQUESTS sequential requests),
// before and while they are held. KEEPALIVE_TIMEOUT is raised so that the server keeps them.
// A health request that fails, or a connection the server refuses or closes, fails it.

import { readFileSync } from 'node:fs';

import { RawConnection, rawGet, waitFor } from '../../contract/harness.mjs';
import { processSample, ProcessSampler, startSoakServer } from '../lib/server.mjs';
import { latencySummary } from '../lib/stats.mjs';

const OPEN_CONCURRENCY = 256;
const PROBE_CONNECTIONS = 100;
const WARM_UP_REQUESTS = 200;

function openFileLimit(pid) {
  const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
  return Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1]);
}

// Sequential GET /api/health on one new keep-alive connection: their latencies (ms), and the
// count of answers other than 200.
async function timeHealth(port, requests) {
  const conn = await RawConnection.open(port);
  const durations = [];
  let bad = 0;
  try {
    const request = rawGet('/api/health');
    for (let i = 0; i < requests; i += 1) {
      const start = performance.now();
      await conn.write(request);
      const res = await conn.readResponse({ timeoutMs: 10_000 });
      durations.push(performance.now() - start);
      if (res.status !== 200) bad += 1;
    }
  } finally {
    conn.destroy();
  }
  return { ...latencySummary(durations), notOk: bad };
}

// Opens one connection and makes one request on it; resolves with the connection (kept
// open), or rejects.
async function openKeepAlive(port) {
  const conn = await RawConnection.open(port, '127.0.0.1', 10_000);
  try {
    await conn.write(rawGet('/api/health'));
    const res = await conn.readResponse({ timeoutMs: 10_000 });
    if (res.status !== 200) throw Object.assign(new Error(`answered ${res.status}`), { code: `HTTP ${res.status}` });
    return conn;
  } catch (err) {
    conn.destroy();
    throw err;
  }
}

export default {
  name: 'idle-connections',
  describe: 'SOAK_IDLE_CONNECTIONS idle keep-alive connections held; /api/health p50/p99 before and while held',
  budgetSeconds: (options) => options.idleSeconds + 600,

  async run(ctx) {
    const { options, outcome } = ctx;
    const dataDir = ctx.tempDir('idle-connections-');
    const keepalive = Math.min(3600, options.idleSeconds + 600);
    const server = await startSoakServer({ dataDir, env: { KEEPALIVE_TIMEOUT: keepalive } });
    ctx.onCleanup(() => server.kill());
    const held = [];
    ctx.onCleanup(() => held.forEach((c) => c.destroy()));

    const limits = { clientOpenFiles: openFileLimit(process.pid), serverOpenFiles: openFileLimit(server.pid) };
    await timeHealth(server.port, WARM_UP_REQUESTS);
    const idle = processSample(server.pid);
    ctx.log(`timing ${options.healthRequests} health requests with no idle connections`);
    const before = await timeHealth(server.port, options.healthRequests);

    ctx.log(`opening ${options.idleConnections} keep-alive connections`);
    const openStarted = performance.now();
    const errors = {};
    let next = 0;
    const opener = async () => {
      while (next < options.idleConnections && !ctx.signal.aborted) {
        next += 1;
        try {
          held.push(await openKeepAlive(server.port));
        } catch (err) {
          const code = err.code ?? err.message.replace(/\d+/g, 'N');
          errors[code] = (errors[code] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, opener));
    const openSeconds = (performance.now() - openStarted) / 1000;
    const opened = held.length;
    ctx.log(`${opened} open in ${openSeconds.toFixed(1)} s; timing health while they are held`);

    const withHeld = processSample(server.pid);
    const during = await timeHealth(server.port, options.healthRequests);
    const sampler = new ProcessSampler(server.pid, Math.min(options.rssIntervalMs, options.idleSeconds * 500));
    ctx.log(`holding them for ${options.idleSeconds} s`);
    const holdUntil = performance.now() + options.idleSeconds * 1000;
    while (performance.now() < holdUntil && !ctx.signal.aborted && !server.exitInfo()) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, holdUntil - performance.now())));
    }
    sampler.stop();
    const stillOpen = held.filter((c) => !c.closed).length;

    // Some held connections must still serve a request.
    let probesOk = 0;
    const probes = held.filter((c) => !c.closed).slice(0, PROBE_CONNECTIONS);
    await Promise.all(
      probes.map(async (conn) => {
        try {
          await conn.write(rawGet('/api/health'));
          if ((await conn.readResponse({ timeoutMs: 10_000 })).status === 200) probesOk += 1;
        } catch {
          // counted as not ok
        }
      }),
    );
    const heldRss = sampler.summary();

    for (const conn of held) conn.destroy();
    let released;
    try {
      released = await waitFor(
        () => {
          const sample = processSample(server.pid);
          return sample.fds <= idle.fds + 5 && sample;
        },
        { timeoutMs: 30_000, intervalMs: 200, what: 'the server to close the released connections' },
      );
    } catch (err) {
      outcome.fail('connections not released', err.message);
      released = processSample(server.pid);
    }

    if (server.exitInfo()) outcome.fail('server exited', `${JSON.stringify(server.exitInfo())}\n${server.logTail()}`);
    if (before.notOk || during.notOk) outcome.fail('health: not 200', `${before.notOk} before, ${during.notOk} while held`);
    const clientLimited = Object.keys(errors).every((code) => code === 'EMFILE' || code === 'ENFILE');
    if (opened < options.idleConnections) {
      const text = `${opened} of ${options.idleConnections} opened; errors ${JSON.stringify(errors)}`;
      if (clientLimited) outcome.note('client ran out of descriptors', text);
      else outcome.fail('connections refused', text);
    }
    if (stillOpen < opened) {
      const text = `${opened - stillOpen} of ${opened} closed within ${options.idleSeconds} s (KEEPALIVE_TIMEOUT=${keepalive})`;
      outcome.fail('connections closed while idle', text);
    }
    if (probesOk < probes.length) outcome.fail('held connection did not answer', `${probes.length - probesOk} of ${probes.length} probes`);
    if (during.p99Ms > 3 * before.p99Ms && during.p99Ms - before.p99Ms > 5) {
      outcome.note('health p99 degrades with idle connections held', `${before.p99Ms} ms before, ${during.p99Ms} ms while held`);
    }
    for (const line of server.problems()) outcome.note('server log warning or error', line);
    const stopped = await server.stop();
    if (stopped.code !== 0) outcome.fail('stop: SIGTERM did not end the server cleanly', JSON.stringify(stopped));

    const mib = (kib) => Number((kib / 1024).toFixed(1));
    ctx.metrics = {
      requested: options.idleConnections,
      opened,
      openSeconds: Number(openSeconds.toFixed(1)),
      openErrors: errors,
      stillOpenAfterHold: stillOpen,
      holdSeconds: options.idleSeconds,
      keepaliveTimeout: keepalive,
      probes: { sent: probes.length, ok: probesOk },
      limits,
      healthBefore: before,
      healthWhileHeld: during,
      server: {
        idle: { rssMiB: mib(idle.rssKiB), fds: idle.fds, threads: idle.threads },
        withConnectionsHeld: { rssMiB: mib(withHeld.rssKiB), fds: withHeld.fds, threads: withHeld.threads },
        duringHold: heldRss,
        afterRelease: { rssMiB: mib(released.rssKiB), fds: released.fds, threads: released.threads },
      },
    };
    ctx.table('/api/health on a separate connection', ['when', 'requests', 'p50 ms', 'p99 ms', 'max ms', 'not 200'], [
      ['no idle connections', before.count, before.p50Ms, before.p99Ms, before.maxMs, before.notOk],
      [`${opened} idle connections held`, during.count, during.p50Ms, during.p99Ms, during.maxMs, during.notOk],
    ]);
    ctx.table('Connections and server memory', ['', 'value'], [
      ['requested / opened / open after the hold', `${options.idleConnections} / ${opened} / ${stillOpen}`],
      ['time to open them', `${ctx.metrics.openSeconds} s`],
      ['errors while opening', JSON.stringify(errors)],
      ['held connections answering a probe', `${probesOk} of ${probes.length}`],
      [
        'server RSS idle / with them held / max during the hold / after release',
        `${mib(idle.rssKiB)} / ${mib(withHeld.rssKiB)} / ${heldRss.rssMaxMiB} / ${mib(released.rssKiB)} MiB`,
      ],
      ['server descriptors idle / held / after release', `${idle.fds} / ${withHeld.fds} / ${released.fds}`],
      ['open-file limit client / server', `${limits.clientOpenFiles} / ${limits.serverOpenFiles}`],
    ]);
    ctx.headline =
      `${stillOpen}/${options.idleConnections} held for ${options.idleSeconds} s; ` +
      `health p50/p99 ${before.p50Ms}/${before.p99Ms} ms before, ${during.p50Ms}/${during.p99Ms} ms while held; ` +
      `RSS ${mib(idle.rssKiB)} → ${mib(withHeld.rssKiB)} MiB`;
  },
};
