// The soak results file: one JSON document with every figure, and a markdown page with the
// summary table and each scenario's tables, failures and findings.

import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function git(repoRoot, args) {
  try {
    return execFileSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

// Where and what the run was made on.
export function runContext(repoRoot, binary) {
  const commit = git(repoRoot, ['rev-parse', '--short=12', 'HEAD']);
  const dirty = git(repoRoot, ['status', '--porcelain', '--untracked-files=no']);
  let binaryModified;
  try {
    binaryModified = statSync(binary).mtime.toISOString();
  } catch {
    binaryModified = undefined;
  }
  return {
    date: new Date().toISOString(),
    commit: commit === undefined ? 'unknown' : `${commit}${dirty ? ' (with uncommitted changes)' : ''}`,
    binary,
    binaryModified,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
      kernel: os.release(),
      node: process.version,
    },
  };
}

const cell = (value) => (value === undefined || value === null ? '' : String(value).replace(/\|/g, '\\|').replace(/\n/g, ' '));

function markdownTable(columns, rows) {
  return [
    `| ${columns.map(cell).join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

export function summaryTable(scenarios) {
  return markdownTable(
    ['scenario', 'result', 'duration', 'summary'],
    scenarios.map((s) => [s.name, s.status === 'skipped' ? `skipped: ${s.skipReason}` : s.status, `${s.durationS} s`, s.headline ?? '']),
  );
}

function outcomeList(title, entries) {
  if (entries.length === 0) return `${title}: none.`;
  const lines = entries.map((e) => {
    const examples = e.examples.slice(0, 3).map((x) => `\`${cell(x).slice(0, 200)}\``);
    return `- **${e.kind}** (${e.count})${examples.length ? `: ${examples.join('; ')}` : ''}`;
  });
  return `${title}:\n\n${lines.join('\n')}`;
}

export function markdownReport(results) {
  const { machine } = results;
  const parts = [
    '# Soak results',
    '',
    `Date ${results.date}, commit ${results.commit}, binary \`${results.binary}\` (built ${results.binaryModified ?? '?'}); ` +
      `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}.`,
    '',
    `Settings: ${Object.entries(results.options).map(([k, v]) => `${k}=${v}`).join(', ')}.`,
    '',
    summaryTable(results.scenarios),
  ];
  for (const s of results.scenarios) {
    parts.push('', `## ${s.name}`, '', s.describe, '');
    if (s.status === 'skipped') {
      parts.push(`Skipped: ${s.skipReason}`);
      continue;
    }
    for (const table of s.tables) parts.push(`${table.title}:`, '', markdownTable(table.columns, table.rows), '');
    parts.push(outcomeList('Failures', s.failures), '', outcomeList('Findings', s.findings));
  }
  return `${parts.join('\n')}\n`;
}

// Writes results.json and results.md into dir; returns their paths.
export function writeResults(dir, results) {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'results.json');
  const md = path.join(dir, 'results.md');
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(md, markdownReport(results));
  return { json, md };
}
