// Self time by function and by package from a V8 .cpuprofile (bench/profile.js).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function groupOf(url, functionName) {
  if (!url) return functionName || '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  if (url.includes('/dist/')) return 'mpp-2fa ' + url.slice(url.indexOf('/dist/') + 1).replace(/^file:\/\//, '');
  return relative(ROOT, url.replace(/^file:\/\//, ''));
}

/** Self time by function and by package/file, from a .cpuprofile. */
export function summarizeProfile(path, top = 25) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, k) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0)));
  // The bench's own code in the server process (monitor, profiler start/stop) is not the server's.
  const excluded = new Set();
  const exclude = (node) => {
    excluded.add(node.id);
    for (const child of node.children ?? []) exclude(byId.get(child));
  };
  for (const node of profile.nodes) if (node.callFrame.url.includes('bench/lib/monitor.js')) exclude(node);
  const fn = new Map();
  const group = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    if (excluded.has(id)) continue;
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const where = callFrame.url ? `${groupOf(callFrame.url, '')}:${callFrame.lineNumber + 1}` : '';
    const key = `${callFrame.functionName || '(anonymous)'} ${where}`.trim();
    fn.set(key, (fn.get(key) ?? 0) + us);
    const g = groupOf(callFrame.url, callFrame.functionName);
    group.set(g, (group.get(g) ?? 0) + us);
  }
  const rows = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  return [
    `busy ${(total / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms`,
    '',
    'self time by package / file:',
    ...rows(group),
    '',
    'self time by function:',
    ...rows(fn),
  ].join('\n');
}
