// Contract test of docs/openapi.yaml against the server: the binary serves the file as it is
// in the repository, and the spec describes exactly the routes the server registers
// (`volkrin routes`), with the security its access rules imply.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { parse } from 'yaml';

import { api, repoRoot, serverBinary, startServer } from './harness.mjs';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

// "GET /api/tracks/:id/stream open" → {key: "GET /api/tracks/{id}/stream", access: "open"}
function serverRoutes() {
  const result = spawnSync(serverBinary, ['routes'], { encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw result.error;
  assert.equal(result.status, 0, result.stderr);
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [method, pattern, access] = line.split(' ');
      const openapiPath = pattern.replace(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
      return { key: `${method} ${openapiPath}`, access };
    });
}

function specOperations(spec) {
  const operations = new Map();
  for (const [specPath, item] of Object.entries(spec.paths ?? {})) {
    for (const method of METHODS) {
      if (item[method]) operations.set(`${method.toUpperCase()} ${specPath}`, item[method]);
    }
  }
  return operations;
}

describe('docs/openapi.yaml', () => {
  let server;
  let served;
  let spec;
  let routes;

  before(async () => {
    server = await startServer();
    served = await api(server.baseUrl, 'GET', '/api/openapi.yaml');
    spec = parse(served.text);
    routes = serverRoutes();
  });

  after(async () => {
    await server?.stop();
  });

  it('is served at /api/openapi.yaml as YAML, byte for byte the file in the repository', () => {
    assert.equal(served.status, 200);
    assert.match(served.headers.get('content-type'), /^application\/yaml/);
    assert.equal(served.text, readFileSync(path.join(repoRoot, 'docs', 'openapi.yaml'), 'utf8'));
  });

  it('answers 304 to a request with its ETag', async () => {
    const etag = served.headers.get('etag');
    assert.ok(etag, 'no ETag');
    const again = await api(server.baseUrl, 'GET', '/api/openapi.yaml', { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
  });

  it('is OpenAPI 3.1', () => {
    assert.equal(spec.openapi, '3.1.0');
  });

  it('lists `volkrin routes` in METHOD PATTERN ACCESS lines', () => {
    assert.ok(routes.length > 0);
    for (const route of routes) {
      assert.match(route.key, /^[A-Z]+ \/\S*$/);
      assert.ok(['open', 'user', 'admin'].includes(route.access), route.access);
    }
  });

  it('describes exactly the routes the server has', () => {
    const inServer = new Set(routes.map((r) => r.key));
    const inSpec = new Set(specOperations(spec).keys());
    const undocumented = [...inServer].filter((key) => !inSpec.has(key));
    const unknown = [...inSpec].filter((key) => !inServer.has(key));
    assert.deepEqual({ undocumented, unknown }, { undocumented: [], unknown: [] });
  });

  it('asks for a bearer token exactly where the server requires one', () => {
    const operations = specOperations(spec);
    for (const { key, access } of routes) {
      const operation = operations.get(key);
      if (!operation) continue; // reported by the test above
      const security = operation.security ?? spec.security ?? [];
      const anonymousAllowed = security.length === 0 || security.some((s) => Object.keys(s).length === 0);
      if (access === 'open') {
        assert.ok(anonymousAllowed, `${key} is open but the spec requires authentication`);
      } else {
        assert.ok(!anonymousAllowed, `${key} needs a ${access} but the spec allows anonymous calls`);
        assert.ok(security.some((s) => 'bearerAuth' in s), `${key} does not name bearerAuth`);
        assert.ok(operation.responses['401'], `${key} does not describe its 401`);
        if (access === 'admin') assert.ok(operation.responses['403'], `${key} does not describe its 403`);
      }
    }
  });
});
