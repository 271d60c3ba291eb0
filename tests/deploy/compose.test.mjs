// Checks of deploy/compose.yaml beyond `docker-compose config`: the files it mounts exist,
// Prometheus scrapes its volkrin services, nginx balances over them, and every secret it
// mounts is made by deploy/make-secrets.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { parse } from 'yaml';

const deployDir = fileURLToPath(new URL('../../deploy/', import.meta.url));
const compose = parse(readFileSync(path.join(deployDir, 'compose.yaml'), 'utf8'), { merge: true });
const volkrinServices = Object.keys(compose.services).filter((name) => /^volkrin-\d+$/.test(name));

describe('deploy/compose.yaml', () => {
  it('runs two volkrin instances built from deploy/Dockerfile', () => {
    assert.deepEqual(volkrinServices, ['volkrin-1', 'volkrin-2']);
    for (const name of volkrinServices) {
      const service = compose.services[name];
      assert.equal(service.build.dockerfile, 'deploy/Dockerfile');
      assert.equal(service.read_only, true);
      assert.equal(service.init, true);
    }
  });

  it('points the instances at PostgreSQL, Redis and MinIO with the server variable names', () => {
    const env = compose.services['volkrin-1'].environment;
    assert.equal(env.REDIS_URL, 'redis://redis:6379');
    assert.equal(env.S3_ENDPOINT, 'http://minio:9000');
    for (const name of ['S3_BUCKET', 'AWS_REGION', 'AWS_ACCESS_KEY_ID']) assert.ok(name in env, name);
    for (const name of ['DATABASE_URL', 'AWS_SECRET_ACCESS_KEY', 'JWT_SECRET']) {
      assert.ok(!(name in env), `${name} is passed in plain text`);
      assert.match(env[`${name}_FILE`], /^\/run\/secrets\//);
    }
    assert.ok(compose.services.postgres && compose.services.redis && compose.services.minio);
  });

  it('gives shutdown more time than SHUTDOWN_TIMEOUT', () => {
    const service = compose.services['volkrin-1'];
    assert.ok(Number.parseInt(service.stop_grace_period, 10) > Number(service.environment.SHUTDOWN_TIMEOUT));
  });

  it('mounts only files and directories that exist', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('.')) assert.ok(existsSync(path.join(deployDir, source)), `${name}: ${source}`);
      }
    }
  });

  it('has Prometheus scrape exactly the volkrin services, and nginx balance over them', () => {
    const prometheus = parse(readFileSync(path.join(deployDir, 'prometheus', 'prometheus.yml'), 'utf8'));
    const job = prometheus.scrape_configs.find((c) => c.job_name === 'volkrin');
    const targets = job.static_configs.flatMap((c) => c.targets).sort();
    assert.deepEqual(targets, volkrinServices.map((name) => `${name}:8000`));
    const nginx = readFileSync(path.join(deployDir, 'nginx', 'nginx.conf'), 'utf8');
    const upstream = [...nginx.matchAll(/^\s*server (volkrin-\d+:8000)/gm)].map((m) => m[1]).sort();
    assert.deepEqual(upstream, targets);
  });

  it('mounts only secrets that deploy/make-secrets makes', () => {
    const script = readFileSync(path.join(deployDir, 'make-secrets'), 'utf8');
    const made = new Set([...script.matchAll(/^write_secret (\w+) /gm)].map((m) => m[1]));
    for (const [name, secret] of Object.entries(compose.secrets)) {
      assert.ok(made.has(name), `make-secrets does not make ${name}`);
      assert.equal(secret.file, `./secrets/${name}`);
    }
  });

  it('names in deploy/.env.example only variables the compose file uses', () => {
    const text = readFileSync(path.join(deployDir, 'compose.yaml'), 'utf8');
    const example = readFileSync(path.join(deployDir, '.env.example'), 'utf8');
    for (const [, name] of example.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)) {
      assert.ok(text.includes(`\${${name}`), `${name} is not used by compose.yaml`);
    }
  });
});
