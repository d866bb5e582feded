#!/usr/bin/env node
// Headless Chromium as a WebRTC data-channel peer, with the command-line
// contract every simrtc interop peer follows (ours in examples/cli, Pion's,
// and this one), so any two of them can be paired:
//
//   node cli.js --role offer|answer --port N [--mode echo|bench] [--bytes N]
//               [--timeout S] [--chromium-ice=mdns|loopback]
//               [--chromium=/usr/bin/chromium] [--verbose]
//
// Signalling (non-trickle, one session):
//   answer  serves HTTP on 127.0.0.1:N (N=0: the kernel picks; the port is
//           printed as "LISTENING 127.0.0.1:<port>"). POST /offer with
//           Content-Type application/sdp and the full offer SDP -> 201 with
//           the full answer SDP (ICE gathering complete). Other paths 404,
//           other methods 405, other content types 415, bodies over 64 KiB
//           413, an SDP Chromium rejects 400, a second offer once a session
//           is under way 409; after any of these the server keeps serving.
//   offer   creates one data channel labelled with the mode, waits for ICE
//           gathering to complete, POSTs the offer to 127.0.0.1:N/offer
//           (retrying while the port refuses, until the timeout) and applies
//           the answer.
// Modes:
//   echo    the answerer returns every message unchanged; the offerer sends
//           100 messages, text and binary alternately, of 1..60000 bytes
//           (text includes 2- and 3-byte UTF-8 characters), checks every
//           echo byte for byte and type for type, and prints "ECHO OK n=100".
//   bench   the offerer sends text "size:<N>", then N bytes (--bytes, default
//           10000000) in 16 KiB binary messages, never letting bufferedAmount
//           exceed 1 MiB; the answerer replies "done:<N>" once all arrived.
//           The offerer prints "BENCH bytes=<N> seconds=<t> MBps=<x>"
//           (MB = 10^6 bytes; t from sending size:<N> to receiving done:<N>).
//   The offerer also prints "SETUP seconds=<t>": from just before the offer
//   is created to the data channel's open event (gathering, HTTP and the
//   DTLS/SCTP handshakes included). The answerer follows the channel label
//   (falling back to --mode for another label) and exits 0 when the channel
//   closes after use, printing "ANSWER DONE label=<l> messages=<n> bytes=<b>".
// Exit status: 0 success, 1 failure (reason on stderr), 2 bad usage.
// Diagnostics (candidates, states, selected pair) go to stderr, prefixed
// "chromium-peer:"; stdout carries only the result lines above.
//
// ICE modes (--chromium-ice, or the environment variable SIMRTC_CHROMIUM_ICE
// for harnesses that pass only the common flags; the flag wins), no ICE
// servers in either:
//   mdns (default)  Chromium as a web page gets it: launched with only the
//           flags below, its host candidates are "<uuid>.local" mDNS names
//           (one per address of the default-route interface, IPv4 and IPv6),
//           and the loopback interface is never used. The peer must resolve
//           those names by mDNS (multicast on that interface; Chromium answers
//           for its own names), so the machine needs a multicast-capable
//           non-loopback interface that is up, e.g. eth0. Chromium resolves
//           the other side's .local names the same way.
//   loopback  Three things together: the switch
//           --allow-loopback-in-peer-connection (lets the network manager
//           use lo), --disable-features=WebRtcHideLocalIpsWithMdns (no mDNS
//           names: raw IPs), and camera/microphone permission for the page's
//           origin. Without the permission Chromium enumerates only the
//           default-route interface (raw IPs there, still no 127.0.0.1); with
//           it, every interface. The permission comes from
//           context.grantPermissions(['camera','microphone']) and, as a second
//           route, --use-fake-ui-for-media-stream (auto-accepts prompts; with
//           --use-fake-device-for-media-stream no real device is touched).
//           Either one alone was enough with Chromium 156; no getUserMedia
//           call is needed. Gathering then yields 127.0.0.1 and ::1 (plus the
//           other interfaces, UDP and TCP); this peer keeps only the loopback
//           candidates in the SDP it sends, and fails if there are none. The
//           other side is thus only told 127.0.0.1/::1, but Chromium still
//           sends checks from all its sockets, so the selected pair is
//           sometimes e.g. fd00::2 -> ::1, which the other side learns as
//           peer-reflexive (seen Chromium<->Chromium; the stderr log names
//           the selected pair). All traffic stays on this machine.
//   The page is served at http://localhost/ by request interception (no
//   socket), a secure context, so that permissions apply to a real origin.
//
// Chromium: Debian's /usr/bin/chromium, launched through playwright-core
// (launchPersistentContext, which supplies --user-data-dir: a fresh directory
// under $TMPDIR, removed on exit) with --headless --no-sandbox --disable-gpu
// --disable-quic --no-first-run --disable-background-networking
// --disable-component-update --disable-sync. Playwright's own default flags
// are kept; in loopback mode our --disable-features replaces Playwright's
// (Chromium keeps the last value of a repeated switch); nothing here needs
// the features Playwright turns off. Runs on Node >= 18 (Debian 12's 18.20
// and NodeSource's 20 both tried).
'use strict';

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const ORIGIN = 'http://localhost';
const PAGE_URL = ORIGIN + '/simrtc-peer.html';
const MAX_BODY = 64 * 1024;
const DRAIN_MAX = 1024 * 1024;
const ECHO_COUNT = 100;
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const LOOPBACK_FLAGS = [
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

const USAGE = `usage: cli.js --role offer|answer --port N [--mode echo|bench] [--bytes N]
              [--timeout S] [--chromium-ice=mdns|loopback] [--chromium=PATH] [--verbose]`;

function usage(msg) {
  process.stderr.write(`chromium-peer: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    role: null, port: null, mode: 'echo', bytes: 10000000, timeout: 60,
    ice: process.env.SIMRTC_CHROMIUM_ICE || 'mdns', chromium: '/usr/bin/chromium', verbose: false,
  };
  if (opts.ice !== 'mdns' && opts.ice !== 'loopback') usage('SIMRTC_CHROMIUM_ICE must be mdns or loopback');
  const takesValue = new Set(['role', 'port', 'mode', 'bytes', 'timeout', 'chromium-ice', 'chromium']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') { process.stdout.write(USAGE + '\n'); process.exit(0); }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) usage(`unexpected argument ${JSON.stringify(a)}`);
    const name = m[1];
    if (name === 'verbose') { opts.verbose = true; continue; }
    if (!takesValue.has(name)) usage(`unknown option --${name}`);
    let value = m[2];
    if (value === undefined) {
      if (i + 1 >= argv.length) usage(`--${name} needs a value`);
      value = argv[++i];
    }
    const int = (lo, hi) => {
      if (!/^\d+$/.test(value) || Number(value) < lo || Number(value) > hi) {
        usage(`--${name} must be an integer in ${lo}..${hi}, got ${JSON.stringify(value)}`);
      }
      return Number(value);
    };
    switch (name) {
      case 'role':
        if (value !== 'offer' && value !== 'answer') usage('--role must be offer or answer');
        opts.role = value; break;
      case 'mode':
        if (value !== 'echo' && value !== 'bench') usage('--mode must be echo or bench');
        opts.mode = value; break;
      case 'port': opts.port = int(0, 65535); break;
      case 'bytes': opts.bytes = int(0, Number.MAX_SAFE_INTEGER); break;
      case 'timeout': opts.timeout = int(1, 86400); break;
      case 'chromium-ice':
        if (value !== 'mdns' && value !== 'loopback') usage('--chromium-ice must be mdns or loopback');
        opts.ice = value; break;
      case 'chromium': opts.chromium = value; break;
    }
  }
  if (!opts.role) usage('--role is required');
  if (opts.port === null) usage('--port is required');
  if (opts.role === 'offer' && opts.port === 0) usage('--role offer needs the answerer\'s --port');
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

function diag(msg) { process.stderr.write(`chromium-peer: ${msg}\n`); }
function out(line) { process.stdout.write(line + '\n'); }

// ------------------------------------------------------------ SDP helpers
function candidateLines(sdp) {
  return sdp.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:'));
}
function describeCandidates(sdp) {
  const c = candidateLines(sdp).map((l) => {
    const f = l.split(' ');  // foundation comp proto prio addr port typ type ...
    return `${f[2].toLowerCase()} ${f[7]} ${f[4]}:${f[5]}`;
  });
  return c.length ? c.join(', ') : '(none)';
}
function isLoopbackAddress(a) { return /^127\./.test(a) || a === '::1'; }
// Loopback mode: keep only the 127.0.0.0/8 and ::1 candidates.
function keepLoopbackCandidates(sdp) {
  const lines = sdp.split('\r\n');
  const kept = lines.filter((l) => !l.startsWith('a=candidate:') || isLoopbackAddress(l.split(' ')[4]));
  const result = kept.join('\r\n');
  if (!candidateLines(result).length) {
    throw new Error('loopback mode: Chromium gathered no 127.0.0.1/::1 candidate ' +
                    `(it offered: ${describeCandidates(sdp)}); is the camera/microphone permission granted?`);
  }
  return result;
}

// ----------------------------------------------------------------- browser
let context = null;
let userDataDir = null;
let exiting = false;
const pageEvents = { handlers: {} };

async function closeBrowser() {
  const ctx = context;
  context = null;
  if (ctx) {
    await Promise.race([ctx.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  }
  if (userDataDir) {
    try { fs.rmSync(userDataDir, { recursive: true, force: true }); } catch (e) { /* best effort */ }
    userDataDir = null;
  }
}

async function finish(code, msg) {
  if (exiting) return;
  exiting = true;
  if (msg) diag(msg);
  await closeBrowser();
  process.exit(code);
}
function fail(msg) { return finish(1, 'FAIL ' + msg); }

async function launch() {
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch (e) {
    throw new Error(`playwright-core is not installed next to ${__filename} ` +
                    '(run interop/chromium/setup.sh, or npm ci in interop/chromium)');
  }
  if (!fs.existsSync(opts.chromium)) {
    throw new Error(`${opts.chromium} missing (Debian package chromium; interop/chromium/setup.sh installs it)`);
  }
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simrtc-chromium-'));
  const args = CHROMIUM_FLAGS.concat(opts.ice === 'loopback' ? LOOPBACK_FLAGS : []);
  // Chromium puts its ProcessSingleton socket in $TMPDIR/org.chromium.Chromium.XXXXXX/
  // and aborts ("Socket path too long") past the 108-byte sun_path limit,
  // which a Bazel TEST_TMPDIR exceeds: give Chromium alone a short TMPDIR.
  const env = Object.assign({}, process.env);
  if (path.join(os.tmpdir(), 'org.chromium.Chromium.XXXXXX', 'SingletonSocket').length > 100) {
    env.TMPDIR = '/tmp';
  }
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: opts.chromium,
    headless: true,
    args,
    env,
    timeout: 30000,
    // Our own signal handling closes the browser; Playwright's would too,
    // but this way a timeout and a signal take the same path.
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
  context.on('close', () => { if (!exiting) fail('Chromium exited unexpectedly'); });
  if (opts.ice === 'loopback') {
    await context.grantPermissions(['camera', 'microphone'], { origin: ORIGIN });
  }
  const pageScript = fs.readFileSync(path.join(__dirname, 'page.js'), 'utf8');
  await context.route(ORIGIN + '/**', (route) => {
    if (route.request().url() !== PAGE_URL) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><meta charset="utf-8"><title>simrtc peer</title>\n<script>\n${pageScript}\n</script>\n`,
    });
  });
  const page = context.pages()[0] || await context.newPage();
  await page.exposeFunction('simrtcEmit', (kind, detail) => {
    if (kind === 'log') diag(detail);
    else if (kind === 'state') { if (opts.verbose) diag(detail); }
    const h = pageEvents.handlers[kind];
    if (h) h(detail);
  });
  page.on('pageerror', (err) => fail(`page error: ${err.message}`));
  page.on('crash', () => fail('the Chromium page crashed'));
  if (opts.verbose) page.on('console', (m) => diag(`console.${m.type()}: ${m.text()}`));
  await page.goto(PAGE_URL);
  const version = context.browser() ? context.browser().version() : '?';
  diag(`Chromium ${version} up, ICE mode ${opts.ice}`);
  return page;
}

// ---------------------------------------------------------------- offerer
function postOffer(sdp, deadline) {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const req = http.request({
        host: '127.0.0.1', port: opts.port, path: '/offer', method: 'POST',
        headers: { 'Content-Type': 'application/sdp', 'Content-Length': Buffer.byteLength(sdp) },
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
                                      body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', (err) => {
        if (err.code === 'ECONNREFUSED' && Date.now() < deadline) setTimeout(attempt, 100);
        else reject(new Error(`POST http://127.0.0.1:${opts.port}/offer: ${err.message}`));
      });
      req.end(sdp);
    };
    attempt();
  });
}

async function runOffer(page, deadline) {
  let offer = await page.evaluate((label) => window.simrtc.offer(label), opts.mode);
  diag(`offer candidates: ${describeCandidates(offer)}`);
  if (opts.ice === 'loopback') offer = keepLoopbackCandidates(offer);
  const res = await postOffer(offer, deadline);
  if (res.status !== 201) {
    throw new Error(`POST /offer answered ${res.status}: ${res.body.slice(0, 200)}`);
  }
  diag(`answer candidates: ${describeCandidates(res.body)}`);
  await page.evaluate((sdp) => window.simrtc.applyAnswer(sdp), res.body);
  const open = await page.evaluate(() => window.simrtc.waitOpen());
  diag(`channel "${opts.mode}" open, selected pair ${open.pair}`);
  if (opts.mode === 'echo') {
    const r = await page.evaluate((n) => window.simrtc.runEcho(n), ECHO_COUNT);
    out(`ECHO OK n=${r.n}`);
    diag(`echoed ${r.bytes} bytes`);
  } else {
    const r = await page.evaluate((n) => window.simrtc.runBench(n), opts.bytes);
    const mbps = r.seconds > 0 ? r.bytes / 1e6 / r.seconds : 0;
    out(`BENCH bytes=${r.bytes} seconds=${r.seconds.toFixed(3)} MBps=${mbps.toFixed(2)}`);
  }
  out(`SETUP seconds=${open.setupSeconds.toFixed(3)}`);
  await page.evaluate(() => window.simrtc.close());
}

// --------------------------------------------------------------- answerer
function isSdpContentType(value) {
  if (!value) return false;
  return value.split(';')[0].trim().toLowerCase() === 'application/sdp';
}

function runAnswer(page) {
  return new Promise((resolve, reject) => {
    let state = 'idle';  // idle -> answering -> answered
    pageEvents.handlers['answer-open'] = (d) => diag(`channel "${d.label}" open (${d.mode}), selected pair ${d.pair}`);
    pageEvents.handlers['answer-done'] = (d) => {
      out(`ANSWER DONE label=${d.label} messages=${d.messages} bytes=${d.bytes}`);
      resolve();
    };
    pageEvents.handlers['answer-failed'] = (d) => reject(new Error(`answerer (${d.label}): ${d.error}`));

    const reply = (res, status, body, extra) => {
      res.writeHead(status, Object.assign({ 'Content-Type': 'text/plain; charset=utf-8',
                                            'Content-Length': Buffer.byteLength(body) }, extra || {}));
      res.end(body);
    };

    const server = http.createServer((req, res) => {
      const url = req.url.split('?')[0];
      const refuse = (status, why, extra) => {
        diag(`${req.method} ${req.url}: ${status} ${why}`);
        reply(res, status, why + '\n', extra);
        req.resume();  // drain whatever body there is
      };
      if (url !== '/offer') return refuse(404, 'not found');
      if (req.method !== 'POST') return refuse(405, 'only POST', { Allow: 'POST' });
      if (!isSdpContentType(req.headers['content-type'])) {
        return refuse(415, `Content-Type must be application/sdp, got ${req.headers['content-type'] || 'none'}`);
      }
      let over = false;
      const tooBig = () => {
        over = true;
        diag(`POST /offer: 413 body over ${MAX_BODY} bytes`);
        // Answer at once and close the connection. The rest of the body is
        // read and dropped (so the client gets to read the 413 rather than a
        // reset), up to DRAIN_MAX bytes; past that the socket is destroyed.
        reply(res, 413, `body over ${MAX_BODY} bytes\n`, { Connection: 'close' });
        let drained = 0;
        req.on('data', (c) => {
          drained += c.length;
          if (drained > DRAIN_MAX) req.socket.destroy();
        });
        req.resume();
      };
      const declared = Number(req.headers['content-length']);
      if (declared > MAX_BODY) return tooBig();
      const chunks = [];
      let size = 0;
      req.on('data', (c) => {
        if (over) return;
        size += c.length;
        if (size > MAX_BODY) { tooBig(); return; }
        chunks.push(c);
      });
      req.on('error', () => {});
      req.on('end', async () => {
        if (over) return;
        const sdp = Buffer.concat(chunks).toString('utf8');
        if (!/^v=0\r?\n/.test(sdp)) return refuse(400, 'body is not an SDP (must start with v=0)');
        if (state !== 'idle') return refuse(409, 'an offer was already answered');
        state = 'answering';
        try {
          diag(`offer candidates: ${describeCandidates(sdp)}`);
          let answer = await page.evaluate(([s, m]) => window.simrtc.answer(s, m), [sdp, opts.mode]);
          diag(`answer candidates: ${describeCandidates(answer)}`);
          if (opts.ice === 'loopback') answer = keepLoopbackCandidates(answer);
          state = 'answered';
          reply(res, 201, answer, { 'Content-Type': 'application/sdp' });
        } catch (err) {
          state = 'idle';
          await page.evaluate(() => window.simrtc.reset()).catch(() => {});
          const msg = String(err.message || err).split('\n')[0];
          refuse(400, `offer rejected: ${msg}`);
        }
      });
    });
    server.on('clientError', (err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    server.on('error', (err) => reject(new Error(`HTTP server: ${err.message}`)));
    server.listen(opts.port, '127.0.0.1', () => {
      out(`LISTENING 127.0.0.1:${server.address().port}`);
    });
  });
}

// -------------------------------------------------------------------- main
async function main() {
  const deadline = Date.now() + opts.timeout * 1000;
  const timer = setTimeout(() => fail(`timeout after ${opts.timeout} s`), opts.timeout * 1000);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => finish(1, `FAIL killed by ${sig}`));
  }
  try {
    const page = await launch();
    if (opts.role === 'offer') await runOffer(page, deadline);
    else await runAnswer(page);
  } catch (err) {
    clearTimeout(timer);
    // The first line says what failed; Playwright's call log and the
    // browser's output follow it (useful when Chromium does not start).
    const text = String(err && err.message ? err.message : err);
    const [first, ...rest] = text.split('\n');
    if (rest.length && (opts.verbose || /launch/.test(first))) diag(rest.join('\n'));
    return fail(first);
  }
  clearTimeout(timer);
  return finish(0);
}

main();
