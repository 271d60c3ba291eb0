// Checks that the monitoring kit only relies on metrics the server exposes.
//
//   node tests/monitoring/metric-names.mjs METRICS_FILE ALERTS_YML DASHBOARD_JSON
//
// Reads the PromQL of every rule in ALERTS_YML (`expr:`) and every query of
// DASHBOARD_JSON (panel targets' `expr`, query variables' `label_values(...)`), extracts
// the metric names they select, and looks each one up in METRICS_FILE (a scrape of
// /metrics). A histogram's _bucket, _sum and _count series belong to its base name.
// Names listed in REQUIRED below must be exposed even when nothing uses them yet.
// Also checks the dashboard's shape (uid, title, data source variable, panel ids).
//
// Prints one "ok"/"FAIL" line per check and "<passed> <failed>" as the last line, for
// tests/monitoring/check to add up. Exits 1 when something failed. Node built-ins only.

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// Exposed by the server as part of its contract with the monitoring kit. volkrin_ready is
// the readiness gauge (1/0) that VolkrinNotReady and the dashboard's "Ready" panel read.
const REQUIRED = ['volkrin_ready'];

// ---------------------------------------------------------------------------------------
// PromQL: the metric names an expression selects

const KEYWORDS = new Set([
  'and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring',
  'group_left', 'group_right', 'inf', 'nan', 'atan2',
]);
// Keywords followed by a parenthesised list of label names.
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const IDENT_START = /[a-zA-Z_:]/;
const IDENT_CHAR = /[a-zA-Z0-9_:]/;

export function metricNamesIn(expr) {
  const names = new Set();
  let i = 0;
  const n = expr.length;
  const skipString = () => {
    const quote = expr[i];
    i += 1;
    while (i < n && expr[i] !== quote) i += expr[i] === '\\' && quote !== '`' ? 2 : 1;
    if (i >= n) throw new Error(`unterminated string in: ${expr}`);
    i += 1;
  };
  // Skips from an opening bracket to its match, over strings.
  const skipBracketed = (open, close) => {
    let depth = 0;
    while (i < n) {
      const c = expr[i];
      if (c === '"' || c === "'" || c === '`') {
        skipString();
        continue;
      }
      i += 1;
      if (c === open) depth += 1;
      else if (c === close && --depth === 0) return;
    }
    throw new Error(`unbalanced ${open}${close} in: ${expr}`);
  };
  const nextNonSpace = (from) => {
    let j = from;
    while (j < n && /\s/.test(expr[j])) j += 1;
    return j;
  };

  while (i < n) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === '`') {
      skipString();
    } else if (c === '#') {
      while (i < n && expr[i] !== '\n') i += 1;
    } else if (c === '{') {
      skipBracketed('{', '}'); // label matchers
    } else if (c === '[') {
      skipBracketed('[', ']'); // range or subquery durations
    } else if (c === '$') {
      // Grafana variable: $name, ${name}, [[name]] is not used here.
      i += 1;
      if (expr[i] === '{') skipBracketed('{', '}');
      else while (i < n && IDENT_CHAR.test(expr[i])) i += 1;
    } else if (/[0-9.]/.test(c)) {
      // Numbers and durations (5m, 1e3, 0x1f, 1.5).
      while (i < n && /[0-9a-zA-Z_.]/.test(expr[i])) i += 1;
    } else if (IDENT_START.test(c)) {
      const start = i;
      while (i < n && IDENT_CHAR.test(expr[i])) i += 1;
      const word = expr.slice(start, i);
      const after = nextNonSpace(i);
      const lower = word.toLowerCase();
      if (LABEL_LIST_KEYWORDS.has(lower)) {
        if (expr[after] === '(') {
          i = after;
          skipBracketed('(', ')');
        }
      } else if (KEYWORDS.has(lower)) {
        // operator or literal
      } else if (expr[after] === '(' || /^(by|without)\s*\(/i.test(expr.slice(after))) {
        // function, or aggregation operator (`sum(...)`, `sum by (...) (...)`)
      } else {
        names.add(word);
      }
    } else {
      i += 1;
    }
  }
  return names;
}

// ---------------------------------------------------------------------------------------
// alerts.yml: every rule's expr (YAML subset: plain, quoted and block scalars)

function blockScalar(lines, from, keyIndent) {
  const body = [];
  let j = from;
  for (; j < lines.length; j += 1) {
    const line = lines[j];
    if (line.trim() === '') {
      body.push('');
      continue;
    }
    const indent = line.length - line.trimStart().length;
    if (indent <= keyIndent) break;
    body.push(line.trim());
  }
  return { text: body.join('\n').trim(), next: j };
}

export function ruleExpressions(yamlText) {
  const lines = yamlText.split('\n');
  const rules = [];
  const recorded = new Set();
  let currentName = '(unnamed rule)';
  let ruleCount = 0;
  for (let j = 0; j < lines.length; j += 1) {
    const line = lines[j];
    const ruleHead = /^\s*-\s+(alert|record):\s*(\S+)\s*$/.exec(line);
    if (ruleHead) {
      ruleCount += 1;
      currentName = ruleHead[2].replace(/^["']|["']$/g, '');
      if (ruleHead[1] === 'record') recorded.add(currentName);
      continue;
    }
    const exprLine = /^(\s*)(-\s+)?expr:\s*(.*)$/.exec(line);
    if (!exprLine) continue;
    const keyIndent = exprLine[1].length + (exprLine[2] ? exprLine[2].length : 0);
    const rest = exprLine[3];
    let text;
    if (/^[|>][-+0-9]*\s*(#.*)?$/.test(rest)) {
      const block = blockScalar(lines, j + 1, keyIndent);
      text = block.text;
      j = block.next - 1;
    } else if (rest.startsWith('"')) {
      text = JSON.parse(rest.replace(/\s+#.*$/, '').trim());
    } else if (rest.startsWith("'")) {
      text = rest.trim().replace(/\s+#.*$/, '').slice(1, -1).replace(/''/g, "'");
    } else {
      // Plain scalar, maybe continued on more indented lines.
      const continued = blockScalar(lines, j + 1, keyIndent);
      text = `${rest.replace(/\s+#.*$/, '')} ${continued.text}`.trim();
      j = continued.next - 1;
    }
    rules.push({ name: currentName, expr: text });
  }
  if (rules.length !== ruleCount) {
    throw new Error(`found ${ruleCount} rules but could read only ${rules.length} expr fields`);
  }
  return { rules, recorded };
}

// ---------------------------------------------------------------------------------------
// Dashboard: panel target exprs and query variables

export function dashboardQueries(dashboard) {
  const queries = [];
  const visitPanels = (panels) => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) {
        if (typeof target.expr === 'string' && target.expr.trim() !== '') {
          queries.push({ where: `panel "${panel.title}" (${target.refId})`, expr: target.expr });
        }
      }
      visitPanels(panel.panels);
    }
  };
  visitPanels(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query ?? '';
    const labelValues = /^\s*label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/s.exec(query);
    const queryResult = /^\s*query_result\((.*)\)\s*$/s.exec(query);
    const expr = labelValues?.[1] ?? queryResult?.[1];
    if (expr) queries.push({ where: `variable $${variable.name}`, expr });
  }
  return queries;
}

function dashboardShapeProblems(dashboard) {
  const problems = [];
  if (dashboard.uid !== 'volkrin') problems.push(`uid is ${JSON.stringify(dashboard.uid)}, not "volkrin"`);
  if (dashboard.title !== 'Volkrin Stream') problems.push(`title is ${JSON.stringify(dashboard.title)}`);
  if (dashboard.id !== null && dashboard.id !== undefined) problems.push('id must be null for provisioning');
  const dsVariable = (dashboard.templating?.list ?? []).find((v) => v.name === 'DS_PROMETHEUS');
  if (!dsVariable || dsVariable.type !== 'datasource' || dsVariable.query !== 'prometheus') {
    problems.push('no DS_PROMETHEUS variable of type datasource (query "prometheus")');
  }
  const ids = new Set();
  const visit = (panels) => {
    for (const panel of panels ?? []) {
      if (ids.has(panel.id)) problems.push(`panel id ${panel.id} used twice`);
      ids.add(panel.id);
      if (!panel.gridPos) problems.push(`panel "${panel.title}" has no gridPos`);
      if (panel.type !== 'row') {
        const uids = [panel.datasource?.uid, ...(panel.targets ?? []).map((t) => t.datasource?.uid)];
        if (uids.some((uid) => uid !== '${DS_PROMETHEUS}')) {
          problems.push(`panel "${panel.title}" does not use the \${DS_PROMETHEUS} data source`);
        }
        if ((panel.targets ?? []).length === 0) problems.push(`panel "${panel.title}" has no query`);
      }
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  return problems;
}

// ---------------------------------------------------------------------------------------
// /metrics: the names it exposes

export function exposedNames(metricsText) {
  const samples = new Set();
  const histograms = new Set();
  const families = new Set();
  for (const line of metricsText.split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)/.exec(line);
    if (type) {
      families.add(type[1]);
      if (type[2] === 'histogram' || type[2] === 'summary') histograms.add(type[1]);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[\s{]/.exec(line);
    if (sample) samples.add(sample[1]);
  }
  return (name) => {
    if (samples.has(name) && families.has(baseName(name, histograms))) return true;
    const base = baseName(name, histograms);
    return histograms.has(base) && samples.has(`${base}_count`);
  };
}

function baseName(name, histograms) {
  const match = /^(.*)_(bucket|sum|count)$/.exec(name);
  return match && histograms.has(match[1]) ? match[1] : name;
}

// ---------------------------------------------------------------------------------------

function main([metricsFile, alertsFile, dashboardFile]) {
  if (!metricsFile || !alertsFile || !dashboardFile) {
    console.error('usage: metric-names.mjs METRICS_FILE ALERTS_YML DASHBOARD_JSON');
    process.exit(2);
  }
  let passed = 0;
  let failed = 0;
  const ok = (what) => {
    passed += 1;
    console.log(`ok   - ${what}`);
  };
  const fail = (what, detail = []) => {
    failed += 1;
    console.log(`FAIL - ${what}`);
    for (const line of detail) console.log(`       ${line}`);
  };

  const exposed = exposedNames(readFileSync(metricsFile, 'utf8'));
  const usedBy = new Map(); // name -> places
  const use = (name, where) => {
    if (!usedBy.has(name)) usedBy.set(name, []);
    usedBy.get(name).push(where);
  };

  try {
    const { rules, recorded } = ruleExpressions(readFileSync(alertsFile, 'utf8'));
    for (const rule of rules) {
      for (const name of metricNamesIn(rule.expr)) {
        if (!recorded.has(name)) use(name, `${alertsFile}: ${rule.name}`);
      }
    }
    ok(`read ${rules.length} rule expressions from ${alertsFile}`);
  } catch (err) {
    fail(`read the rule expressions of ${alertsFile}`, [err.message]);
  }

  try {
    const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8'));
    const problems = dashboardShapeProblems(dashboard);
    if (problems.length === 0) ok(`${dashboardFile} is a provisionable dashboard (uid volkrin, \${DS_PROMETHEUS})`);
    else fail(`${dashboardFile} is a provisionable dashboard`, problems);
    const queries = dashboardQueries(dashboard);
    for (const query of queries) {
      for (const name of metricNamesIn(query.expr)) use(name, `${dashboardFile}: ${query.where}`);
    }
    ok(`read ${queries.length} queries from ${dashboardFile}`);
  } catch (err) {
    fail(`read the queries of ${dashboardFile}`, [err.message]);
  }

  for (const name of REQUIRED) {
    if (!usedBy.has(name)) use(name, 'required by tests/monitoring/metric-names.mjs');
  }
  for (const name of [...usedBy.keys()].sort()) {
    const places = [...new Set(usedBy.get(name))];
    if (exposed(name)) ok(`/metrics exposes ${name}`);
    else fail(`/metrics exposes ${name}`, [`not in /metrics; used by:`, ...places.map((p) => `  ${p}`)]);
  }

  console.log(`${passed} ${failed}`);
  process.exit(failed === 0 ? 0 : 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
