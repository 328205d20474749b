// Runs inside a benchmarked server process (bench/server.js, the better-auth peer): answers
// the bench over IPC with its own event-loop delay and peak RSS since the last reset.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

const NS_PER_MS = 1e6;

/** Starts measuring; `process.send` must exist (the process was forked with an IPC channel). */
export function startMonitor() {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  let peakRss = process.memoryUsage.rss();
  const sample = () => {
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
  };
  setInterval(sample, 100).unref();

  process.on('message', (message) => {
    if (!message || typeof message !== 'object') return;
    if (message.type === 'monitor:reset') {
      histogram.reset();
      peakRss = process.memoryUsage.rss();
      process.send?.({ type: 'reply', id: message.id });
    } else if (message.type === 'monitor:report') {
      sample();
      const count = histogram.count;
      process.send?.({
        type: 'reply',
        id: message.id,
        eventLoop:
          count === 0
            ? null
            : {
                p50Ms: histogram.percentile(50) / NS_PER_MS,
                p99Ms: histogram.percentile(99) / NS_PER_MS,
                maxMs: histogram.max / NS_PER_MS,
                meanMs: histogram.mean / NS_PER_MS,
                samples: count,
              },
        rssPeakBytes: peakRss,
        rssBytes: process.memoryUsage.rss(),
        heapUsedBytes: process.memoryUsage().heapUsed,
        heap: heapSummary(),
      });
    } else if (message.type === 'profile:start') {
      void startProfile().then(() => process.send?.({ type: 'reply', id: message.id }));
    } else if (message.type === 'profile:stop') {
      void stopProfile(message.path).then((path) => process.send?.({ type: 'reply', id: message.id, path }));
    }
  });
}

// CPU profile of a measurement window only (bench/profile.js), through the inspector.
let session = null;
const post = (method, params = {}) =>
  new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

async function startProfile() {
  session = new Session();
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
}

async function stopProfile(path) {
  if (!session) return null;
  const { profile } = await post('Profiler.stop');
  session.disconnect();
  session = null;
  writeFileSync(path, JSON.stringify(profile));
  return path;
}

/** V8 heap and off-heap memory in MB, to tell the JS heap from native memory in RSS. */
function heapSummary() {
  const mb = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, mb(s.space_size)]));
  const usage = process.memoryUsage();
  return {
    heapTotalMB: mb(usage.heapTotal),
    heapUsedMB: mb(usage.heapUsed),
    externalMB: mb(usage.external),
    newSpaceMB: spaces.new_space ?? null,
    oldSpaceMB: spaces.old_space ?? null,
    codeSpaceMB: spaces.code_space ?? null,
  };
}

/** Closes `close()` on 'stop' over IPC, SIGTERM or SIGINT, and when the parent goes away. */
export function onStop(close) {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    try {
      await close();
    } finally {
      process.exit(0);
    }
  };
  process.on('message', (message) => {
    if (message?.type === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}
