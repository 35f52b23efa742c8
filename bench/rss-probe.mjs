// Preloaded by `npm run bench` into every measured process (`node --import <this> ...`): at exit, it
// writes the process's peak resident set size, CPU time (user + system) and uptime to the file named by
// BENCH_PROBE_FILE. Needs nothing installed (no /usr/bin/time) and costs one tiny module load, the
// same for every case.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_PROBE_FILE;
// Child processes the measured one starts must not overwrite the figures.
delete process.env.BENCH_PROBE_FILE;

if (file) {
  process.on('exit', (code) => {
    const usage = process.resourceUsage();
    const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
    writeFileSync(file, JSON.stringify({ maxRssKb: usage.maxRSS, cpuMs, uptimeMs: process.uptime() * 1000, exitCode: code }));
  });
}
