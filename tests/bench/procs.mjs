// The Chromium processes of a benchmark's browser, from /proc (Linux only): which is which, their
// memory and CPU time. Shared by memory.mjs and pipeline.mjs.
import { readFileSync, readdirSync } from 'node:fs';

export function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

export function statusKb(status, key) {
  const m = status?.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
  return m ? Number(m[1]) : 0;
}

export function cpuTicks(pid) {
  const stat = readProc(pid, 'stat');
  if (!stat) return 0;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

export function parentOf(pid) {
  const stat = readProc(pid, 'stat');
  if (!stat) return null;
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** The browser process: no --type=, and our profile directory on its command line. */
export function findBrowserPid(userDataDir) {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = readProc(entry, 'cmdline');
    if (cmd && cmd.includes(`--user-data-dir=${userDataDir}`) && !cmd.includes('--type=')) return Number(entry);
  }
  return null;
}

/** Every live descendant of `root`, with its kind. */
export function chromiumProcesses(root) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(entry);
    if (ppid == null) continue;
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(entry));
  }
  const out = [];
  const walk = (pid) => {
    for (const child of children.get(pid) ?? []) {
      const cmd = (readProc(child, 'cmdline') ?? '').split(/[\0 ]/);
      const type = cmd.find((a) => a.startsWith('--type='))?.slice(7) ?? 'other';
      const kind = type === 'renderer' ? (cmd.includes('--extension-process') ? 'extension' : 'renderer') : type;
      out.push({ pid: child, kind });
      walk(child);
    }
  };
  walk(root);
  return out;
}
