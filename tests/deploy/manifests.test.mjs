// Checks of the deployment kit without a cluster: every Kubernetes manifest parses, and the
// Deployment keeps the promises docs/deployment.md makes (probes, graceful shutdown,
// non-root, read-only root, scrape annotations, secrets as files).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { parseAllDocuments } from 'yaml';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const k8sDir = path.join(repoRoot, 'deploy', 'k8s');

function load(file) {
  const text = readFileSync(path.join(k8sDir, file), 'utf8');
  const docs = parseAllDocuments(text);
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  return docs.map((doc) => doc.toJS()).filter((doc) => doc !== null);
}

const files = readdirSync(k8sDir).filter((f) => /\.ya?ml$/.test(f)).sort();
const manifests = files.flatMap((file) => load(file).map((doc) => ({ file, doc })));
const byKind = (kind) => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc);

describe('deploy/k8s', () => {
  it('holds only parseable manifests, each with apiVersion, kind and metadata.name', () => {
    assert.ok(files.length > 0);
    for (const { file, doc } of manifests) {
      assert.equal(typeof doc.apiVersion, 'string', `${file}: apiVersion`);
      assert.equal(typeof doc.kind, 'string', `${file}: kind`);
      if (doc.kind !== 'Kustomization') assert.equal(typeof doc.metadata?.name, 'string', `${file}: metadata.name`);
    }
  });

  it('lists in kustomization.yaml every manifest except the Secret template', () => {
    const [kustomization] = byKind('Kustomization');
    const expected = files.filter((f) => f !== 'kustomization.yaml' && !f.includes('template'));
    assert.deepEqual([...kustomization.resources].sort(), expected);
  });

  const [deployment] = byKind('Deployment');
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;
  const [config] = byKind('ConfigMap');

  it('probes readiness on /api/health/ready and liveness on /api/health', () => {
    assert.equal(container.readinessProbe.httpGet.path, '/api/health/ready');
    assert.equal(container.livenessProbe.httpGet.path, '/api/health');
    const port = container.ports.find((p) => p.name === container.readinessProbe.httpGet.port);
    assert.equal(String(port.containerPort), config.data.PORT);
  });

  it('gives shutdown more time than the preStop sleep plus SHUTDOWN_TIMEOUT', () => {
    const [command, seconds] = container.lifecycle.preStop.exec.command;
    assert.equal(command, 'sleep');
    const needed = Number(seconds) + Number(config.data.SHUTDOWN_TIMEOUT);
    assert.ok(pod.terminationGracePeriodSeconds > needed, `${pod.terminationGracePeriodSeconds} <= ${needed}`);
  });

  it('runs as the image user, not root, on a read-only root with /data and /tmp writable', () => {
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.securityContext.runAsUser, 10001);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    const mounts = new Map(container.volumeMounts.map((m) => [m.mountPath, m.name]));
    const dataDir = container.env.find((e) => e.name === 'DATA_DIR').value;
    for (const dir of [dataDir, '/tmp']) {
      const volume = pod.volumes.find((v) => v.name === mounts.get(dir));
      assert.ok(volume && (volume.emptyDir || volume.persistentVolumeClaim), `${dir} is not writable`);
    }
  });

  it('sets resource requests and limits', () => {
    assert.ok(container.resources.requests.cpu && container.resources.requests.memory);
    assert.ok(container.resources.limits.memory);
  });

  it('is scraped by Prometheus on the container port', () => {
    const annotations = deployment.spec.template.metadata.annotations;
    assert.equal(annotations['prometheus.io/scrape'], 'true');
    assert.equal(annotations['prometheus.io/path'], '/metrics');
    assert.equal(annotations['prometheus.io/port'], config.data.PORT);
  });

  it('reads every secret of the template from a mounted file, none from plain env', () => {
    const [secret] = byKind('Secret');
    const secretMount = container.volumeMounts.find(
      (m) => pod.volumes.find((v) => v.name === m.name)?.secret?.secretName === secret.metadata.name,
    );
    assert.ok(secretMount, 'the Secret is not mounted');
    for (const key of Object.keys(secret.stringData)) {
      const variable = container.env.find((e) => e.name === `${key}_FILE`);
      assert.equal(variable?.value, `${secretMount.mountPath}/${key}`, `${key}_FILE`);
      assert.ok(!(key in config.data), `${key} is in the ConfigMap`);
    }
  });

  it('selects the Deployment pods from the Service, the HPA and the PodDisruptionBudget', () => {
    const labels = deployment.spec.template.metadata.labels;
    const [service] = byKind('Service');
    const [pdb] = byKind('PodDisruptionBudget');
    const [hpa] = byKind('HorizontalPodAutoscaler');
    for (const [name, value] of Object.entries(service.spec.selector)) assert.equal(labels[name], value);
    for (const [name, value] of Object.entries(pdb.spec.selector.matchLabels)) assert.equal(labels[name], value);
    assert.equal(hpa.spec.scaleTargetRef.name, deployment.metadata.name);
    assert.ok(hpa.spec.minReplicas >= 2);
    assert.equal(service.spec.ports[0].targetPort, 'http');
  });
});
