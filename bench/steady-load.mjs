/**
 * An open-loop load: requests sent at evenly spaced times (`rate` a second) whether or not earlier
 * ones have been answered, each one's latency counted from the time it was due, not from when a
 * free connection sent it (so a server that stalls is charged for the requests that waited: no
 * coordinated omission). autocannon's `-R` is a per-second quota that each connection spends back
 * to back at the start of every second: a burst at saturation, not a stream a platform's users make.
 *
 * node bench/steady-load.mjs '{"url":…,"rate":…,"seconds":…,"connections":…,"method":…,"body":…,"headers":{…},"samples":true}'
 * prints one JSON line: requests, rps, p50, p99, max (ms), non2xx, errors (and errorCodes: each code's count); with `samples`, also each
 * request's due time (ms since the epoch), latency and how late this generator sent it (its own
 * timers' lateness on a busy machine, part of the latency), `[[due, ms, late], …]`, so that a part
 * of the stream can be read apart. SIGTERM ends the stream early: no request is sent after it, and the answers
 * awaited are counted.
 */
import { Agent, request } from 'node:http';

const options = JSON.parse(process.argv[2]);
const { url, rate, seconds, connections = 20, method = 'GET', body, headers = {}, samples: withSamples = false } = options;
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const latencies = [];
const samples = [];
let non2xx = 0;
let errors = 0;
/** Each kind of error (its code) and how many: what a failed stream reports. */
const errorCodes = {};

function send(dueAt) {
  const late = performance.now() - dueAt;
  return new Promise((resolve) => {
    const req = request(url, { method, agent, headers: { ...headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => {
        const ms = performance.now() - dueAt;
        latencies.push(ms);
        if (withSamples) samples.push([performance.timeOrigin + dueAt, ms, late]);
        if (res.statusCode < 200 || res.statusCode >= 300) non2xx++;
        resolve();
      });
    });
    req.on('error', (error) => {
      errors++;
      const code = error.code ?? error.message;
      errorCodes[code] = (errorCodes[code] ?? 0) + 1;
      resolve();
    });
    req.end(body);
  });
}

const interval = 1000 / rate;
let total = Math.floor(rate * seconds);
const started = performance.now();
const inFlight = [];
let sent = 0;
process.once('SIGTERM', () => (total = sent));
while (sent < total) {
  const now = performance.now();
  while (sent < total && started + sent * interval <= now) inFlight.push(send(started + sent++ * interval));
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(interval, started + sent * interval - performance.now()))));
}
await Promise.all(inFlight);
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
const round = (ms) => Math.round(ms * 10) / 10;
console.log(
  JSON.stringify({
    requests: latencies.length,
    rps: latencies.length / elapsed,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(at(1)),
    non2xx,
    errors,
    errorCodes,
    ...(withSamples ? { samples } : {}),
  }),
);
agent.destroy();
