// The server under soak: started from VOLKRIN_BIN on 127.0.0.1 and a free port, on the
// embedded backends in a given DATA_DIR, its first admin made with `volkrin user create`,
// and its memory and descriptors read from /proc. Unlike the contract harness's
// startServer, which keeps all output, this keeps only the last lines and the warnings and
// errors: an access log of hours of traffic must not pile up in the client.

import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

import { api, serverBinary } from '../../contract/harness.mjs';
import { median, quantile } from './stats.mjs';

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 15_000;
const LISTENING_LINE = /listening on http:\/\/127\.0\.0\.1:(\d+)/;
const PROBLEM_LINE = /\b(warn|warning|error|critical)\b/i;
const TAIL_LINES = 100;
const PROBLEM_LINES = 200;

const liveServers = new Set();
process.on('exit', () => {
  for (const proc of liveServers) proc.kill('SIGKILL');
});

export { serverBinary };

// The environment of every soak server: loopback only, embedded backends in dataDir, no
// login or sign-up limits (the soak logs in far more often than they allow), then `env`.
// An entry of env whose value is undefined removes that variable.
export function soakEnvironment(dataDir, env = {}) {
  const full = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    APP_ENV: 'development',
    LOG_FORMAT: 'dev',
    PASSWORD_HASH_COST: process.env.SOAK_PASSWORD_HASH_COST || 'min',
    RATE_LIMIT_LOGIN_PER_ADDRESS: 'off',
    RATE_LIMIT_LOGIN_PER_ACCOUNT_ADDRESS: 'off',
    RATE_LIMIT_LOGIN_PER_ACCOUNT: 'off',
    RATE_LIMIT_SIGNUP_PER_ADDRESS: 'off',
  };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete full[name];
    else full[name] = String(value);
  }
  return full;
}

// `volkrin user create --admin`, the password on standard input, as the README shows.
export function createAdminWithCli(dataDir, { email, password, env = {} }) {
  const result = spawnSync(serverBinary, ['user', 'create', '--admin', '--email', email, '--name', 'Soak Admin'], {
    cwd: dataDir,
    env: soakEnvironment(dataDir, env),
    input: `${password}\n`,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.error) throw new Error(`volkrin user create: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`volkrin user create exited with ${result.status}: ${result.stderr}${result.stdout}`);
  }
}

// Logs in and returns the token; throws unless 200.
export async function loginToken(baseUrl, email, password) {
  const res = await api(baseUrl, 'POST', '/api/auth/login', { json: { email, password } });
  if (res.status !== 200 || !res.json?.token) throw new Error(`login of ${email} answered ${res.status}: ${res.text}`);
  return res.json.token;
}

// Starts the server and resolves once it listens. Returns {proc, pid, port, baseUrl,
// dataDir, exited, exitInfo(), stop(), kill(), logTail(), problems()}.
export async function startSoakServer({ dataDir, env = {} }) {
  const proc = spawn(serverBinary, [], { cwd: dataDir, env: soakEnvironment(dataDir, env), stdio: ['ignore', 'pipe', 'pipe'] });
  liveServers.add(proc);
  const tail = [];
  const problems = [];
  let port;
  let exitInfo;
  let spawnError;
  const waiting = new Set();
  const notify = () => {
    for (const check of [...waiting]) check();
  };
  for (const stream of [proc.stdout, proc.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        if (PROBLEM_LINE.test(line) && problems.length < PROBLEM_LINES) problems.push(line);
        if (port === undefined) {
          const match = LISTENING_LINE.exec(line);
          if (match) port = Number(match[1]);
        }
      }
      notify();
    });
  }
  proc.on('error', (err) => {
    spawnError = err;
  });
  const exited = new Promise((resolve) => {
    proc.on('close', (code, signal) => {
      exitInfo = { code, signal };
      liveServers.delete(proc);
      notify();
      resolve(exitInfo);
    });
  });

  const until = (check, timeoutMs, what) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(attempt);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last output:\n${tail.join('\n')}`));
      }, timeoutMs);
      function attempt() {
        let value;
        try {
          value = check();
        } catch (err) {
          clearTimeout(timer);
          waiting.delete(attempt);
          reject(err);
          return;
        }
        if (value !== undefined) {
          clearTimeout(timer);
          waiting.delete(attempt);
          resolve(value);
        }
      }
      waiting.add(attempt);
      attempt();
    });

  try {
    await until(
      () => {
        if (port !== undefined) return port;
        if (exitInfo) {
          const why = spawnError ? `could not start ${serverBinary}: ${spawnError.message}` : `exited (${JSON.stringify(exitInfo)})`;
          throw new Error(`server ${why} before listening; output:\n${tail.join('\n')}`);
        }
        return undefined;
      },
      READY_TIMEOUT_MS,
      'the "listening on http://127.0.0.1:PORT" line',
    );
  } catch (err) {
    proc.kill('SIGKILL');
    await exited;
    throw err;
  }

  return {
    proc,
    pid: proc.pid,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir,
    exited,
    exitInfo: () => exitInfo,
    logTail: () => tail.join('\n'),
    problems: () => [...problems],
    // SIGTERM, then SIGKILL after STOP_TIMEOUT_MS; resolves with {code, signal}.
    async stop() {
      if (!exitInfo) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      return exitInfo;
    },
    async kill() {
      if (!exitInfo) proc.kill('SIGKILL');
      return exited;
    },
  };
}

// What /proc says of a process now: resident memory (KiB), open descriptors, threads.
export function processSample(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  let fds;
  try {
    fds = readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    fds = undefined;
  }
  return { rssKiB: field('VmRSS'), fds, threads: field('Threads') };
}

// Samples processSample(pid) every intervalMs until stop(); then summary() tells the RSS
// at the start, min, median, max of the later samples, and whether it grew: the median of
// the last quarter of those samples against that of the first quarter. The first sample,
// taken at once, is left out of the rest: it shows the server before the load.
export class ProcessSampler {
  constructor(pid, intervalMs) {
    this.pid = pid;
    this.startedAt = performance.now();
    this.samples = [];
    this.take();
    this.timer = setInterval(() => this.take(), intervalMs);
  }

  take() {
    try {
      this.samples.push({ atS: (performance.now() - this.startedAt) / 1000, ...processSample(this.pid) });
    } catch {
      // the process has gone; the scenario notices that itself
    }
  }

  stop() {
    clearInterval(this.timer);
    this.take();
  }

  summary() {
    const all = this.samples.map((s) => s.rssKiB);
    const rss = all.length > 1 ? all.slice(1) : all;
    const quarter = Math.max(1, Math.floor(rss.length / 4));
    const first = median(rss.slice(0, quarter));
    const last = median(rss.slice(-quarter));
    const mib = (kib) => (kib === undefined ? undefined : Number((kib / 1024).toFixed(1)));
    const growth = first ? (last - first) / first : undefined;
    const fds = this.samples.map((s) => s.fds).filter((n) => n !== undefined);
    return {
      samples: all.length,
      rssAtStartMiB: mib(all[0]),
      rssMinMiB: mib(quantile(rss, 0)),
      rssMedianMiB: mib(median(rss)),
      rssMaxMiB: mib(quantile(rss, 1)),
      rssFirstQuarterMedianMiB: mib(first),
      rssLastQuarterMedianMiB: mib(last),
      rssGrowthPercent: growth === undefined ? undefined : Number((growth * 100).toFixed(1)),
      // Grows: the last quarter's median is more than 10 % and more than 4 MiB above the first's.
      rssGrows: growth !== undefined && growth > 0.1 && last - first > 4 * 1024,
      fdsFirst: fds[0],
      fdsLast: fds.at(-1),
      fdsMax: quantile(fds, 1),
    };
  }
}
