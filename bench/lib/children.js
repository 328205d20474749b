// Server processes the bench starts: forked with an IPC channel (bench/server.js, the peer)
// or spawned as the real CLI (`mpp-2fa serve --bench`). Peak RSS per scenario comes from the
// kernel (VmHWM in /proc/PID/status, reset through /proc/PID/clear_refs) when it can, else
// from the process's own samples over IPC.
import { fork, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function readHwmBytes(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** { total, system } CPU seconds the process used so far (all its threads), or null off Linux. */
export function readCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5) (utime, stime), counted after the command name; 100 ticks/s on Linux.
    return { total: (Number(fields[11]) + Number(fields[12])) / 100, system: Number(fields[12]) / 100 };
  } catch {
    return null;
  }
}

/** CPU seconds so far of the process's main thread (the event loop: JavaScript, parsing, SQLite), or null off Linux. */
export function readMainThreadCpuSeconds(pid) {
  return readCpuSeconds(`${pid}/task/${pid}`)?.total ?? null;
}

function resetHwm(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

class ServerProcess {
  constructor(child, { ipc }) {
    this.child = child;
    this.pid = child.pid;
    this.ipc = ipc;
    this.nextId = 1;
    this.pending = new Map();
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    this.exited.then(() => live.delete(child));
    this.stderr = '';
    child.stderr?.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-8000);
    });
    child.stdout?.on('data', (chunk) => {
      this.stdout = ((this.stdout ?? '') + chunk.toString()).slice(-8000);
    });
    if (ipc) {
      child.on('message', (message) => {
        if (message?.type === 'reply' && this.pending.has(message.id)) {
          this.pending.get(message.id)(message);
          this.pending.delete(message.id);
        }
      });
    }
    live.add(child);
  }

  /** Sends `type` over IPC and waits (≤ `timeoutMs`) for the reply; null without IPC or on timeout. */
  ask(type, extra = {}, timeoutMs = 5000) {
    if (!this.ipc || !this.child.connected) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(null);
      }, timeoutMs);
      this.pending.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      this.child.send({ ...extra, type, id });
    });
  }

  /** Starts a measurement window: event-loop histogram and peak RSS reset. */
  async startWindow() {
    this.hwmReset = resetHwm(this.pid);
    await this.ask('monitor:reset');
    this.cpuAtStart = readCpuSeconds(this.pid);
    this.mainAtStart = readMainThreadCpuSeconds(this.pid);
  }

  /** Ends the window: { cpuSeconds, mainThreadCpuSeconds, rssPeakMB, eventLoop: { p50Ms, p99Ms, maxMs } | null }. */
  async endWindow() {
    const cpuAtEnd = readCpuSeconds(this.pid);
    const mainAtEnd = readMainThreadCpuSeconds(this.pid);
    const report = await this.ask('monitor:report');
    const hwm = this.hwmReset ? readHwmBytes(this.pid) : null;
    const peak = Math.max(hwm ?? 0, report?.rssPeakBytes ?? 0) || null;
    const round = (v) => (v === null || v === undefined ? null : Math.round(v * 100) / 100);
    return {
      heap: report?.heap ?? null,
      cpuSeconds: cpuAtEnd === null || this.cpuAtStart === null ? null : round(cpuAtEnd.total - this.cpuAtStart.total),
      mainThreadCpuSeconds: mainAtEnd === null || this.mainAtStart === null ? null : round(mainAtEnd - this.mainAtStart),
      cpuSystemSeconds: cpuAtEnd === null || this.cpuAtStart === null ? null : round(cpuAtEnd.system - this.cpuAtStart.system),
      rssPeakMB: peak === null ? null : Math.round((peak / 1048576) * 10) / 10,
      eventLoop: report?.eventLoop
        ? { p50Ms: round(report.eventLoop.p50Ms), p99Ms: round(report.eventLoop.p99Ms), maxMs: round(report.eventLoop.maxMs) }
        : null,
    };
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.ipc && this.child.connected) this.child.send({ type: 'stop' });
    else this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 8000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Forks `script` with IPC and waits for its `{ type: 'listening', url }` message. */
export async function forkServer(script, args, env, { readySeconds = 120, execArgv = [] } = {}) {
  const child = fork(script, args, { env, execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const server = new ServerProcess(child, { ipc: true });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${readySeconds} s\n${server.stderr}`)), readySeconds * 1000);
    child.on('message', (message) => {
      if (message?.type === 'listening') {
        clearTimeout(timer);
        resolve(message.url);
      }
    });
    server.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before listening\n${server.stderr}`));
    });
  }).catch(async (error) => {
    await server.stop();
    throw error;
  });
  server.url = url.replace('://localhost', '://127.0.0.1');
  return server;
}

/** Spawns `node bin/mpp-2fa.js serve --bench …` and waits until GET /healthz answers 200. */
export async function spawnCliServer(bin, port, env, { readySeconds = 120 } = {}) {
  const child = spawn(process.execPath, [bin, 'serve', '--bench', '--port', String(port), '--host', '127.0.0.1', '--no-demo'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = new ServerProcess(child, { ipc: false });
  server.url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + readySeconds * 1000;
  let exited = false;
  server.exited.then(() => (exited = true));
  while (performance.now() < deadline && !exited) {
    try {
      const response = await fetch(`${server.url}/healthz`);
      if (response.status === 200) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await server.stop();
  throw new Error(`mpp-2fa serve did not become healthy within ${readySeconds} s\n${server.stderr}`);
}
