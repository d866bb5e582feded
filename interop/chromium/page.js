// Browser half of the Chromium interop peer (see cli.js for the contract).
// This file runs inside the headless Chromium page, not in Node: cli.js
// serves it as a <script> of a page on http://localhost (a secure context)
// and drives it through window.simrtc with page.evaluate. Events go back to
// Node through window.simrtcEmit(kind, detail), which cli.js installs with
// page.exposeFunction before the page loads.
//
// Everything WebRTC happens here: RTCPeerConnection (no ICE servers, so only
// host candidates), the data channel, echo checks and the bench sender.
'use strict';
(() => {
  const emit = (kind, detail) => {
    try {
      window.simrtcEmit(kind, detail === undefined ? null : detail);
    } catch (e) { /* Node has gone away; nothing to tell */ }
  };
  const log = (msg) => emit('log', msg);

  const ECHO_MAX = 60000;
  const BENCH_CHUNK = 16 * 1024;
  const BENCH_MAX_BUFFERED = 1024 * 1024;

  let pc = null;
  let dc = null;
  let t0 = 0;           // performance.now() when the offer was started
  let opened = null;    // Promise resolved when dc opens (offerer)
  let failure = null;   // Promise rejected when the session breaks

  // A small deterministic PRNG (mulberry32) so a failed run can be replayed.
  function prng(seed) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6D2B79F5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function newPeerConnection() {
    if (pc) pc.close();
    pc = new RTCPeerConnection({ iceServers: [] });
    let rejectFailure;
    failure = new Promise((_, reject) => { rejectFailure = reject; });
    failure.catch(() => {});  // observed by whoever races against it
    pc.addEventListener('connectionstatechange', () => {
      const s = pc.connectionState;
      emit('state', 'connection ' + s);
      if (s === 'failed' || s === 'closed') {
        rejectFailure(new Error('peer connection ' + s));
      }
    });
    pc.addEventListener('iceconnectionstatechange', () => {
      emit('state', 'ice ' + pc.iceConnectionState);
    });
    return { fail: rejectFailure };
  }

  function gatheringComplete() {
    return new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') resolve();
      });
    });
  }

  // Incoming messages as a queue that can be awaited one at a time.
  function messageQueue(channel, onBroken) {
    const items = [];
    const waiters = [];
    let broken = null;
    channel.addEventListener('message', (e) => {
      if (waiters.length) waiters.shift().resolve(e.data);
      else items.push(e.data);
    });
    const breakAll = (why) => {
      if (broken) return;
      broken = why;
      while (waiters.length) waiters.shift().reject(new Error(why));
      if (onBroken) onBroken(why);
    };
    channel.addEventListener('close', () => breakAll('data channel closed'));
    channel.addEventListener('error', (e) => {
      breakAll('data channel error: ' + ((e.error && e.error.message) || e.type));
    });
    return {
      next() {
        if (items.length) return Promise.resolve(items.shift());
        if (broken) return Promise.reject(new Error(broken));
        return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
      },
    };
  }

  // Which local candidate pair carries the data (for the logs and tests).
  async function selectedPair() {
    const stats = await pc.getStats();
    let pairId = null;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    if (!pairId) {
      stats.forEach((s) => {
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pairId = s.id;
      });
    }
    const pair = pairId && stats.get(pairId);
    if (!pair) return 'unknown';
    const l = stats.get(pair.localCandidateId);
    const r = stats.get(pair.remoteCandidateId);
    // Chromium leaves address empty for mDNS-named and peer-reflexive remote
    // candidates.
    const fmt = (c) => c ? `${c.candidateType}/${c.protocol} ${c.address || c.ip || '(hidden)'}:${c.port}` : '?';
    return `local=${fmt(l)} remote=${fmt(r)}`;
  }

  // ---------------------------------------------------------------- offerer
  async function offer(label) {
    newPeerConnection();
    t0 = performance.now();
    dc = pc.createDataChannel(label);  // ordered, reliable
    dc.binaryType = 'arraybuffer';
    opened = new Promise((resolve, reject) => {
      dc.addEventListener('open', () => resolve(performance.now()));
      dc.addEventListener('close', () => reject(new Error('data channel closed before it opened')));
    });
    opened.catch(() => {});
    await pc.setLocalDescription(await pc.createOffer());
    await gatheringComplete();
    return pc.localDescription.sdp;
  }

  async function applyAnswer(sdp) {
    await pc.setRemoteDescription({ type: 'answer', sdp });
  }

  // Resolves when the channel is open; returns offer-started -> open seconds.
  async function waitOpen() {
    const tOpen = await Promise.race([opened, failure]);
    return { setupSeconds: (tOpen - t0) / 1000, pair: await selectedPair() };
  }

  function echoText(size, rnd) {
    // Exactly `size` UTF-8 bytes, mostly ASCII with some 2- and 3-byte
    // characters so the peer's UTF-8 handling is exercised too.
    const parts = [];
    let left = size;
    while (left > 0) {
      const r = rnd();
      if (left >= 3 && r < 0.03) { parts.push('\u20ac'); left -= 3; }       // euro sign
      else if (left >= 2 && r < 0.06) { parts.push('\u00e9'); left -= 2; }  // e acute
      else { parts.push(String.fromCharCode(32 + Math.floor(rnd() * 95))); left -= 1; }
    }
    return parts.join('');
  }

  function echoBinary(size, rnd) {
    const b = new Uint8Array(size);
    for (let i = 0; i < size; i++) b[i] = Math.floor(rnd() * 256);
    return b;
  }

  function utf8Length(s) { return new TextEncoder().encode(s).length; }

  async function runEcho(count) {
    const q = messageQueue(dc);
    const rnd = prng(0x5eed);
    // Sizes 1..60000: both kinds get the extremes, the rest are random.
    const sizes = [];
    for (let i = 0; i < count; i++) {
      if (i < 2) sizes.push(1);
      else if (i >= count - 2) sizes.push(ECHO_MAX);
      else sizes.push(1 + Math.floor(rnd() * ECHO_MAX));
    }
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      const isText = i % 2 === 0;
      const size = sizes[i];
      const sent = isText ? echoText(size, rnd) : echoBinary(size, rnd);
      dc.send(sent);
      const got = await Promise.race([q.next(), failure]);
      const what = `echo #${i} (${isText ? 'text' : 'binary'}, ${size} bytes)`;
      if (isText) {
        if (typeof got !== 'string') throw new Error(`${what}: came back as binary`);
        if (got !== sent) {
          let k = 0;
          while (k < got.length && got[k] === sent[k]) k++;
          throw new Error(`${what}: came back as ${utf8Length(got)} bytes of text, ` +
                          `first difference at character ${k}`);
        }
      } else {
        if (!(got instanceof ArrayBuffer)) throw new Error(`${what}: came back as text`);
        const g = new Uint8Array(got);
        if (g.length !== sent.length) {
          throw new Error(`${what}: came back as ${g.length} bytes`);
        }
        for (let k = 0; k < g.length; k++) {
          if (g[k] !== sent[k]) {
            throw new Error(`${what}: byte ${k} is ${g[k]}, sent ${sent[k]}`);
          }
        }
      }
      bytes += size;
    }
    return { n: count, bytes };
  }

  async function runBench(total) {
    const q = messageQueue(dc);
    const chunk = new Uint8Array(BENCH_CHUNK);
    for (let i = 0; i < chunk.length; i++) chunk[i] = i & 0xff;
    dc.bufferedAmountLowThreshold = BENCH_MAX_BUFFERED / 2;
    const drained = () => new Promise((resolve) => {
      dc.addEventListener('bufferedamountlow', resolve, { once: true });
    });
    const start = performance.now();
    dc.send('size:' + total);
    let sent = 0;
    while (sent < total) {
      const n = Math.min(BENCH_CHUNK, total - sent);
      if (dc.bufferedAmount + n > BENCH_MAX_BUFFERED) {
        await Promise.race([drained(), failure]);
        continue;
      }
      dc.send(n === BENCH_CHUNK ? chunk : chunk.subarray(0, n));
      sent += n;
    }
    const reply = await Promise.race([q.next(), failure]);
    const seconds = (performance.now() - start) / 1000;
    if (reply !== 'done:' + total) {
      throw new Error(`bench: expected "done:${total}", got ` +
                      (typeof reply === 'string' ? JSON.stringify(reply.slice(0, 80))
                                                 : `${reply.byteLength} binary bytes`));
    }
    return { bytes: total, seconds };
  }

  // Closes the channel first (an SCTP stream reset the peer sees as a close),
  // then the connection.
  async function close() {
    if (dc && dc.readyState !== 'closed') {
      const closed = new Promise((resolve) => dc.addEventListener('close', resolve, { once: true }));
      dc.close();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
    }
    if (pc) pc.close();
  }

  // --------------------------------------------------------------- answerer
  // Serves one data channel: `echo` returns every message unchanged, `bench`
  // counts the bytes announced by `size:<N>` and replies `done:<N>`. The
  // behaviour follows the channel label; `fallbackMode` is used for any other
  // label. Emits 'answer-open', then 'answer-done' or 'answer-failed'.
  function serveChannel(channel, fallbackMode) {
    dc = channel;
    dc.binaryType = 'arraybuffer';
    const mode = (channel.label === 'echo' || channel.label === 'bench') ? channel.label : fallbackMode;
    let finished = false;
    const stats = { label: channel.label, mode, messages: 0, bytes: 0, error: null };
    const finish = (err) => {
      if (finished) return;
      finished = true;
      if (err) stats.error = String(err);
      emit(stats.error ? 'answer-failed' : 'answer-done', stats);
    };
    let expected = null;
    let received = 0;
    let benchStart = 0;
    channel.addEventListener('open', async () => {
      emit('answer-open', { label: channel.label, mode, pair: await selectedPair() });
    });
    channel.addEventListener('message', (e) => {
      const d = e.data;
      const len = typeof d === 'string' ? utf8Length(d) : d.byteLength;
      stats.messages += 1;
      stats.bytes += len;
      try {
        if (mode === 'echo') {
          channel.send(d);
          return;
        }
        if (typeof d === 'string') {
          const m = /^size:(\d+)$/.exec(d);
          if (!m) throw new Error('bench: unexpected text message ' + JSON.stringify(d.slice(0, 80)));
          expected = Number(m[1]);
          received = 0;
          benchStart = performance.now();
        } else {
          if (expected === null) throw new Error('bench: binary data before size:<N>');
          received += d.byteLength;
        }
        if (expected !== null && received > expected) {
          throw new Error(`bench: received ${received} bytes, announced ${expected}`);
        }
        if (expected !== null && received === expected) {
          channel.send('done:' + expected);
          emit('log', `bench: received ${expected} bytes in ` +
                      `${((performance.now() - benchStart) / 1000).toFixed(3)} s`);
          expected = null;
        }
      } catch (err) {
        finish(err.message);
        channel.close();
      }
    });
    channel.addEventListener('close', () => finish(null));
    channel.addEventListener('error', (e) => {
      finish('data channel error: ' + ((e.error && e.error.message) || e.type));
    });
    failure.catch((err) => finish(stats.messages ? null : err.message));
  }

  async function answer(offerSdp, fallbackMode) {
    newPeerConnection();
    pc.addEventListener('datachannel', (e) => serveChannel(e.channel, fallbackMode));
    // ICE or DTLS failing before any channel arrives ends the session too.
    failure.catch((err) => {
      if (!dc) emit('answer-failed', { label: '(none)', error: err.message });
    });
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await gatheringComplete();
    return pc.localDescription.sdp;
  }

  function reset() {
    if (pc) pc.close();
    pc = null;
    dc = null;
  }

  window.simrtc = { offer, applyAnswer, waitOpen, runEcho, runBench, close, answer, reset };
})();
