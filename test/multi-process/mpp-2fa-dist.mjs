// Local runs of test/multi-process start this instead of bin/mpp-2fa.js (CI runs the real
// binary; see ENTRY in servers.ts). It is the compiled CLI exactly as bin/mpp-2fa.js runs
// it, minus the wrapper's "rebuild when src/ is newer than dist/" step: in a checkout where
// src/ is edited while the tests run, that step made every child start its own tsc (60 s+,
// all racing into dist/). The tests build once up front instead (servers.ts ensureBuilt).
import { main } from '../../dist/main.js';

await main(process.argv.slice(2));
