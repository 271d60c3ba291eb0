// Soak scenario "full-disk": DATA_DIR/media on a small tmpfs (SOAK_DISK_SIZE, default 8m;
// skipped when mount is refused), uploads until it is full. Every upload must be answered
// 201 or a clear error ({"message"} with a 4xx/5xx), a refused one must leave no file,
// partial or whole, the earlier tracks must stay listed with their bytes, and after deletes
// free space uploads must succeed again. 507 is the answer the contract aims at; a 500 is
// listed as a finding, not a failure.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statfsSync } from 'node:fs';
import path from 'node:path';

import { api, incomingEntries, randomHex, storedMediaFiles, uploadTrack } from '../../contract/harness.mjs';
import { createAdminWithCli, loginToken, startSoakServer } from '../lib/server.mjs';
import { mediaFile, newUpload, sqlite, trackRows } from '../lib/tracks.mjs';

const MAX_UPLOADS = 400;
const REFUSALS_IN_A_ROW = 3;
const RECOVERY_UPLOADS = 3;
const FULL_MESSAGE = 'Storage is full; try again later';

function freeBytes(dir) {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

export default {
  name: 'full-disk',
  describe: 'DATA_DIR/media on a small tmpfs: uploads until full, clear refusals, nothing lost, recovery after deletes',
  budgetSeconds: () => 600,

  async run(ctx) {
    const { options, outcome } = ctx;
    const dataDir = ctx.tempDir('full-disk-');
    const mediaDir = path.join(dataDir, 'media');
    mkdirSync(mediaDir);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${options.diskSize},mode=0700`, 'tmpfs', mediaDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      ctx.skip(`mount -t tmpfs refused: ${String(err.stderr ?? err.message).trim()}`);
      return;
    }
    // Unmounted however the run ends, before the data directory is removed.
    const unmount = () => {
      try {
        execFileSync('umount', [mediaDir], { stdio: 'ignore' });
      } catch {
        execFileSync('umount', ['-l', mediaDir], { stdio: 'ignore' });
      }
    };
    process.once('exit', unmount);
    ctx.onCleanup(() => {
      process.removeListener('exit', unmount);
      unmount();
    });

    const admin = { email: 'soak-admin@example.com', password: `soak-admin-${randomHex(12)}` };
    createAdminWithCli(dataDir, admin);
    const server = await startSoakServer({ dataDir });
    ctx.onCleanup(() => server.kill());
    const base = server.baseUrl;
    const token = await loginToken(base, admin.email, admin.password);

    const live = new Map(); // id -> upload fields
    const answers = {};
    const attempts = [];
    let refusedInARow = 0;

    // One upload; checks the answer and, when refused, that it left nothing. Returns the
    // status, or undefined when no answer came.
    const uploadOnce = async (phase) => {
      const fields = newUpload({ seconds: 4 + Math.random() * 4 });
      const filesBefore = await storedMediaFiles(dataDir);
      const free = freeBytes(mediaDir);
      let res;
      try {
        res = await uploadTrack(base, token, fields);
      } catch (err) {
        outcome.fail('upload: no answer', `${phase}: ${err.message} (${free} bytes free)`);
        return undefined;
      }
      const key = `${res.status}${res.json?.message ? ` ${res.json.message}` : ''}`;
      answers[key] = (answers[key] ?? 0) + 1;
      const bytes = fields.audio.bytes.length + fields.thumbnail.bytes.length;
      attempts.push({ phase, bytes, freeBefore: free, status: res.status, message: res.json?.message });
      if (res.status === 201) {
        live.set(res.json.track._id, fields);
        return 201;
      }
      if (res.status === 507 && res.json?.message === FULL_MESSAGE) {
        // the answer aimed at
      } else if (res.status === 500 && typeof res.json?.message === 'string') {
        outcome.note('full disk answered 500, not 507', `${phase}: ${res.text}`);
      } else if (res.status >= 400 && typeof res.json?.message === 'string') {
        outcome.note(`full disk answered ${res.status}`, `${phase}: ${res.text}`);
      } else {
        outcome.fail('upload: unclear answer on a full disk', `${phase}: ${res.status} ${res.text.slice(0, 200)}`);
      }
      const leftover = incomingEntries(dataDir);
      if (leftover.length) outcome.fail('refused upload left a partial file', `${phase}: ${leftover.join(', ')}`);
      const filesAfter = await storedMediaFiles(dataDir);
      if (filesAfter.join('\n') !== filesBefore.join('\n')) {
        outcome.fail('refused upload changed the stored files', `${phase}: ${filesAfter.filter((f) => !filesBefore.includes(f)).join(', ')}`);
      }
      return res.status;
    };

    // The listed tracks are exactly `live`, and every file holds the bytes uploaded.
    const checkTracksIntact = async (phase) => {
      const listed = await api(base, 'GET', '/api/tracks');
      const ids = new Set((listed.json ?? []).map((t) => t._id));
      const lost = [...live.keys()].filter((id) => !ids.has(id));
      if (listed.status !== 200 || lost.length || ids.size !== live.size) {
        outcome.fail('tracks lost or added on a full disk', `${phase}: ${listed.status}, ${ids.size} listed, ${live.size} expected, lost ${lost.join(', ')}`);
      }
      for (const row of trackRows(dataDir)) {
        const fields = live.get(row.id);
        if (!fields) continue;
        for (const [key, bytes] of [[row.file_key, fields.audio.bytes], [row.thumbnail_key, fields.thumbnail.bytes]]) {
          let stored;
          try {
            stored = readFileSync(mediaFile(dataDir, key));
          } catch {
            stored = undefined;
          }
          if (!stored?.equals(bytes)) outcome.fail('earlier track damaged on a full disk', `${phase}: ${row.id} ${key}`);
        }
      }
    };

    ctx.log(`uploading until ${options.diskSize} of media is full`);
    while (attempts.length < MAX_UPLOADS && refusedInARow < REFUSALS_IN_A_ROW && !ctx.signal.aborted) {
      const status = await uploadOnce('filling');
      if (status === undefined || server.exitInfo()) break;
      refusedInARow = status === 201 ? 0 : refusedInARow + 1;
    }
    const uploadedUntilFull = live.size;
    const freeWhenFull = freeBytes(mediaDir);
    if (refusedInARow < REFUSALS_IN_A_ROW) outcome.fail('the media storage never filled up', `${attempts.length} uploads, ${freeWhenFull} bytes free`);
    await checkTracksIntact('when full');

    // Free half the tracks, then uploads must work again.
    const toDelete = [...live.keys()].slice(0, Math.ceil(live.size / 2));
    for (const id of toDelete) {
      const res = await api(base, 'DELETE', `/api/tracks/${id}`, { token });
      if (res.status !== 200) outcome.fail('delete on a full disk', `${id}: ${res.status} ${res.text.slice(0, 200)}`);
      else live.delete(id);
    }
    const freeAfterDeletes = freeBytes(mediaDir);
    let recovered = 0;
    for (let i = 0; i < RECOVERY_UPLOADS; i += 1) {
      if ((await uploadOnce('after deletes')) === 201) recovered += 1;
    }
    if (recovered === 0) outcome.fail('no recovery after deletes', `${freeAfterDeletes} bytes free, uploads still refused`);
    await checkTracksIntact('after recovery');

    const rows = trackRows(dataDir);
    const expectedFiles = rows.flatMap((r) => [r.file_key, r.thumbnail_key]).sort();
    const files = await storedMediaFiles(dataDir);
    if (files.join('\n') !== expectedFiles.join('\n')) {
      outcome.fail('stored files differ from the track rows', `${files.length} files, ${expectedFiles.length} expected`);
    }
    if (incomingEntries(dataDir).length) outcome.fail('partial upload left at the end', incomingEntries(dataDir).join(', '));
    const integrity = sqlite(dataDir, 'PRAGMA integrity_check');
    if (integrity !== 'ok') outcome.fail('SQLite integrity_check', integrity);
    for (const urlPath of ['/api/health', '/api/health/ready']) {
      const res = await api(base, 'GET', urlPath);
      if (res.status !== 200) outcome.fail(`${urlPath} at the end`, `${res.status} ${res.text.slice(0, 200)}`);
    }
    if (server.exitInfo()) outcome.fail('server exited', `${JSON.stringify(server.exitInfo())}\n${server.logTail()}`);
    for (const line of server.problems()) outcome.note('server log warning or error', line);
    const stopped = await server.stop();
    if (stopped.code !== 0) outcome.fail('stop: SIGTERM did not end the server cleanly', JSON.stringify(stopped));

    ctx.metrics = {
      diskSize: options.diskSize,
      uploadsAttempted: attempts.length,
      uploadedUntilFull,
      freeBytesWhenFull: freeWhenFull,
      deleted: toDelete.length,
      freeBytesAfterDeletes: freeAfterDeletes,
      recoveredUploads: recovered,
      tracksAtEnd: rows.length,
      answers,
      attempts,
    };
    ctx.table('Upload answers', ['answer', 'count'], Object.entries(answers).map(([answer, count]) => [answer, count]));
    ctx.table('Phases', ['', 'value'], [
      ['uploads accepted until full', uploadedUntilFull],
      ['free bytes when full', freeWhenFull],
      ['tracks deleted / free bytes after', `${toDelete.length} / ${freeAfterDeletes}`],
      ['uploads accepted after the deletes', `${recovered} of ${RECOVERY_UPLOADS}`],
    ]);
    const refusals = Object.keys(answers).filter((a) => !a.startsWith('201'));
    ctx.headline =
      `${uploadedUntilFull} uploads filled ${options.diskSize}; refusals answered ${refusals.join(', ') || 'none'}; ` +
      `${recovered}/${RECOVERY_UPLOADS} accepted after deletes`;
  },
};
