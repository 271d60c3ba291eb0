// Soak scenario "kill-restart": SOAK_KILL_ROUNDS times, concurrent uploads and sign-ups run
// (with one upload held half-sent, so that a partial file exists), the server is killed
// with SIGKILL at a random moment, and started again on the same DATA_DIR. After each
// restart: SQLite's integrity_check and foreign_key_check pass, every track row has its
// audio and thumbnail files with the bytes that were uploaded, every acknowledged upload and
// sign-up is there, no partial upload survives the start-up sweep, and the server answers
// (health, readiness, the list equal to the rows, a byte range, logins). Committed files
// that no row references (the kill fell between storing the files and inserting the row)
// are reported as findings: the start-up sweep clears only partial uploads.

import { randomInt } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';

import {
  api,
  incomingEntries,
  multipartBody,
  newUserFields,
  RawConnection,
  randomHex,
  signup,
  storedMediaFiles,
  uploadParts,
  uploadRequestBytes,
  uploadTrack,
  waitFor,
} from '../../contract/harness.mjs';
import { createAdminWithCli, loginToken, startSoakServer } from '../lib/server.mjs';
import { fetchBytes, mediaFile, newUpload, randomRange, rangeProblem, sqlite, streamUrl, trackRows } from '../lib/tracks.mjs';

const UPLOAD_LOOPS = 2;
const SIGNUP_LOOPS = 2;
const LOGIN_CHECKS = 20;
const SWEPT_LINE = /removed (\d+) partial upload/;

export default {
  name: 'kill-restart',
  describe: 'SIGKILL during uploads and sign-ups at a random moment, restart on the same DATA_DIR, check the data',
  budgetSeconds: (options) => options.killRounds * 90 + 120,

  async run(ctx) {
    const { options, outcome } = ctx;
    const dataDir = ctx.tempDir('kill-restart-');
    const admin = { email: 'soak-admin@example.com', password: `soak-admin-${randomHex(12)}` };
    createAdminWithCli(dataDir, admin);

    // Every upload ever sent, by its unique title; the acknowledged ones by id; the users
    // whose sign-up answered 201.
    const attempted = new Map();
    const ackedTracks = new Map();
    const ackedUsers = [];
    const orphansSeen = new Set();
    const rounds = [];

    let server = await startSoakServer({ dataDir });
    ctx.onCleanup(() => server.kill());

    for (let round = 1; round <= options.killRounds && !ctx.signal.aborted; round += 1) {
      const token = await loginToken(server.baseUrl, admin.email, admin.password);
      const base = server.baseUrl;
      let killed = false;
      // Requests sent and not yet answered, by kind.
      const inFlight = { uploads: 0, signups: 0 };
      const counts = { uploadsAcked: 0, signupsAcked: 0 };
      const loop = async (kind, step) => {
        while (!killed) {
          inFlight[kind] += 1;
          try {
            await step();
          } catch (err) {
            if (!killed) outcome.fail('no answer before the kill', err.message);
          } finally {
            inFlight[kind] -= 1;
          }
        }
      };
      const uploadStep = async () => {
        const fields = newUpload({ seconds: 2 + Math.random() * 4, tag: `round${round}` });
        attempted.set(fields.title, fields);
        const res = await uploadTrack(base, token, fields);
        if (killed) return;
        if (res.status !== 201) {
          outcome.fail(res.status >= 500 ? 'upload: 5xx' : 'upload: unexpected status', `${res.status}: ${res.text.slice(0, 200)}`);
          return;
        }
        ackedTracks.set(res.json.track._id, fields.title);
        counts.uploadsAcked += 1;
      };
      const signupStep = async () => {
        const fields = newUserFields();
        const res = await signup(base, fields);
        if (killed) return;
        if (res.status !== 201) {
          outcome.fail(res.status >= 500 ? 'signup: 5xx' : 'signup: unexpected status', `${res.status}: ${res.text.slice(0, 200)}`);
          return;
        }
        ackedUsers.push({ email: fields.email, password: fields.password });
        counts.signupsAcked += 1;
      };
      const loops = [
        ...Array.from({ length: UPLOAD_LOOPS }, () => loop('uploads', uploadStep)),
        ...Array.from({ length: SIGNUP_LOOPS }, () => loop('signups', signupStep)),
      ];

      // An upload sent half-way and held, so that the kill leaves a partial file.
      const slowFields = newUpload({ seconds: 10, tag: `round${round}-held` });
      attempted.set(slowFields.title, slowFields);
      const { body, contentType } = multipartBody(uploadParts(slowFields));
      const request = uploadRequestBytes({ token, body, contentType });
      const held = await RawConnection.open(server.port);
      await held.write(request.subarray(0, request.length - (body.length >> 1)));
      await waitFor(() => incomingEntries(dataDir).length > 0, { timeoutMs: 10_000, what: 'a partial upload file' });

      const killAfterMs = options.killMinMs + randomInt(options.killMaxMs - options.killMinMs + 1);
      await new Promise((resolve) => setTimeout(resolve, killAfterMs));
      const inFlightAtKill = { ...inFlight, uploads: inFlight.uploads + 1 }; // and the held one
      killed = true;
      server.proc.kill('SIGKILL');
      const exit = await server.exited;
      await Promise.all(loops);
      held.destroy();
      const partialAtKill = incomingEntries(dataDir).length;
      ctx.log(
        `round ${round}: killed after ${killAfterMs} ms (${exit.signal}) with ${inFlightAtKill.uploads} uploads and ` +
          `${inFlightAtKill.signups} sign-ups in flight, ${partialAtKill} partial files`,
      );

      server = await startSoakServer({ dataDir });
      const swept = Number(SWEPT_LINE.exec(server.logTail())?.[1] ?? 0);
      const check = await verifyAfterRestart({ ctx, server, dataDir, attempted, ackedTracks, ackedUsers, orphansSeen, round });
      rounds.push({ round, killAfterMs, signal: exit.signal, inFlightAtKill, ...counts, partialAtKill, sweptAtStart: swept, ...check });
    }

    for (const line of server.problems()) outcome.note('server log warning or error', line);
    const stopped = await server.stop();
    if (stopped.code !== 0) outcome.fail('stop: SIGTERM did not end the server cleanly', JSON.stringify(stopped));

    ctx.metrics = {
      rounds,
      acknowledgedUploads: ackedTracks.size,
      acknowledgedSignups: ackedUsers.length,
      uploadsSent: attempted.size,
      orphanObjects: orphansSeen.size,
    };
    ctx.table(
      'Rounds',
      ['round', 'killed after ms', 'uploads / sign-ups in flight', 'uploads / sign-ups acked', 'partial files at kill / swept',
        'integrity', 'track rows', 'files ok', 'files without a row'],
      rounds.map((r) => [
        r.round,
        r.killAfterMs,
        `${r.inFlightAtKill.uploads} / ${r.inFlightAtKill.signups}`,
        `${r.uploadsAcked} / ${r.signupsAcked}`,
        `${r.partialAtKill} / ${r.sweptAtStart}`,
        r.integrity,
        r.trackRows,
        r.filesOk ? 'yes' : 'NO',
        r.orphanObjects,
      ]),
    );
    ctx.headline =
      `${rounds.length} kills; ${ackedTracks.size} acked uploads and ${ackedUsers.length} acked sign-ups ` +
      `all kept: ${outcome.failed ? 'NO' : 'yes'}; ${orphansSeen.size} files without a row`;
  },
};

// The checks after a restart; failures go to ctx.outcome. Returns the round's figures.
async function verifyAfterRestart({ ctx, server, dataDir, attempted, ackedTracks, ackedUsers, orphansSeen, round }) {
  const { outcome } = ctx;
  const base = server.baseUrl;
  const where = `round ${round}`;
  const leftover = incomingEntries(dataDir);
  if (leftover.length) outcome.fail('partial upload left after the start-up sweep', `${where}: ${leftover.join(', ')}`);

  const integrity = sqlite(dataDir, 'PRAGMA integrity_check');
  if (integrity !== 'ok') outcome.fail('SQLite integrity_check', `${where}: ${integrity}`);
  const foreignKeys = sqlite(dataDir, 'PRAGMA foreign_key_check');
  if (foreignKeys !== '') outcome.fail('SQLite foreign_key_check', `${where}: ${foreignKeys}`);

  const rows = trackRows(dataDir);
  let filesOk = true;
  for (const row of rows) {
    const fields = attempted.get(row.title);
    if (!fields) {
      outcome.fail('track row of an upload never sent', `${where}: ${row.id} "${row.title}"`);
      filesOk = false;
      continue;
    }
    for (const [key, bytes] of [[row.file_key, fields.audio.bytes], [row.thumbnail_key, fields.thumbnail.bytes]]) {
      const file = mediaFile(dataDir, key);
      if (!existsSync(file) || !statSync(file).isFile()) {
        outcome.fail('track row without its media file', `${where}: ${row.id} ${key}`);
        filesOk = false;
      } else if (!readFileSync(file).equals(bytes)) {
        outcome.fail('media file with wrong bytes', `${where}: ${row.id} ${key}`);
        filesOk = false;
      }
    }
  }
  const rowIds = new Set(rows.map((r) => r.id));
  for (const id of ackedTracks.keys()) {
    if (!rowIds.has(id)) outcome.fail('acknowledged upload lost', `${where}: ${id}`);
  }
  const referenced = new Set(rows.flatMap((r) => [r.file_key, r.thumbnail_key]));
  const orphans = (await storedMediaFiles(dataDir)).filter((key) => !referenced.has(key));
  for (const key of orphans) {
    if (!orphansSeen.has(key)) {
      orphansSeen.add(key);
      outcome.note('stored file without a track row after a kill', `${where}: ${key}`);
    }
  }

  const emails = new Set(sqlite(dataDir, 'SELECT email FROM users', { json: true }).map((u) => u.email));
  for (const user of ackedUsers) {
    if (!emails.has(user.email)) outcome.fail('acknowledged sign-up lost', `${where}: ${user.email}`);
  }

  // The server answers, and what it says matches the files.
  for (const path of ['/api/health', '/api/health/ready']) {
    const res = await api(base, 'GET', path);
    if (res.status !== 200) outcome.fail(`${path} after the restart`, `${where}: ${res.status} ${res.text.slice(0, 200)}`);
  }
  const listed = await api(base, 'GET', '/api/tracks');
  const listedIds = new Set((listed.json ?? []).map((t) => t._id));
  if (listed.status !== 200 || listedIds.size !== rowIds.size || [...rowIds].some((id) => !listedIds.has(id))) {
    outcome.fail('track list differs from the rows', `${where}: ${listed.status}, ${listedIds.size} listed, ${rowIds.size} rows`);
  }
  const ids = [...ackedTracks.keys()];
  if (ids.length) {
    const id = ids[randomInt(ids.length)];
    const audio = attempted.get(ackedTracks.get(id)).audio.bytes;
    const signed = await streamUrl(base, id);
    if (signed.status !== 200) {
      outcome.fail('stream URL after the restart', `${where}: ${signed.status}`);
    } else {
      const range = randomRange(audio.length);
      const problem = rangeProblem(await fetchBytes(signed.url, range.header), range, audio);
      if (problem) outcome.fail('media Range after the restart', `${where}: ${problem}`);
    }
  }
  for (const user of ackedUsers.slice(-LOGIN_CHECKS)) {
    const res = await api(base, 'POST', '/api/auth/login', { json: user });
    if (res.status !== 200) outcome.fail('login of an acknowledged sign-up after the restart', `${where}: ${user.email} ${res.status}`);
  }
  return { integrity, trackRows: rows.length, users: emails.size, filesOk, orphanObjects: orphans.length };
}
