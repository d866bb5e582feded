#include "examples/common/page.h"

#include <utility>

namespace simrtc::examples {

signal::HttpRoute PageRoute(
    std::string_view page,
    std::vector<std::pair<std::string, std::string>> headers) {
  return signal::HttpRoute{
      "GET",
      "/",
      {},
      [body = std::string(page),
       headers = std::move(headers)](const signal::HttpRequest&) {
        signal::HttpResponse r;
        r.content_type = "text/html; charset=utf-8";
        r.body = body;
        r.headers = headers;
        return r;
      }};
}

std::vector<signal::HttpRoute> PageRoutes(std::string_view page) {
  std::vector<signal::HttpRoute> routes;
  routes.push_back(PageRoute(page));
  routes.push_back(signal::HttpRoute{
      "GET", "/favicon.ico", {}, [](const signal::HttpRequest&) {
        signal::HttpResponse r;
        r.status = 204;
        return r;
      }});
  return routes;
}

std::string_view DataChannelsPage() {
  static constexpr std::string_view kPage = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>simrtc data channels</title>
<style>
  body { font-family: sans-serif; margin: 2em; max-width: 50em; }
  #log { background: #f4f4f4; padding: 0.5em; min-height: 8em; white-space: pre-wrap; }
  .error { color: #b00; }
</style>
</head>
<body>
<h1>simrtc data channels</h1>
<p>This page opens a WebRTC data channel to the program that served it and
shows what arrives. Channel: <b id="state">new</b>, connection:
<b id="connection">new</b></p>
<p>
  <input id="message" size="40" value="Hello from the browser" aria-label="message">
  <button id="send" disabled>Send</button>
</p>
<pre id="log"></pre>
<script>
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const log = (line, cls) => {
    const span = document.createElement('span');
    if (cls) span.className = cls;
    span.textContent = line + '\n';
    $('log').appendChild(span);
  };
  const setState = (s) => { $('state').textContent = s; };

  const pc = new RTCPeerConnection({ iceServers: [] });
  const dc = pc.createDataChannel('data');
  window.simrtc = { pc, dc };  // for the browser console and tests
  pc.addEventListener('connectionstatechange', () => {
    $('connection').textContent = pc.connectionState;
    if (pc.connectionState === 'failed') setState('failed');
  });
  dc.addEventListener('open', () => {
    setState('open');
    $('send').disabled = false;
    log(`Data channel '${dc.label}'-'${dc.id}' open`);
  });
  dc.addEventListener('close', () => {
    setState('closed');
    $('send').disabled = true;
    log(`Data channel '${dc.label}'-'${dc.id}' closed`);
  });
  dc.addEventListener('message', (e) => {
    const text = typeof e.data === 'string' ? e.data : `(${e.data.byteLength || e.data.size} bytes)`;
    log(`Message from DataChannel '${dc.label}': '${text}'`);
  });
  dc.binaryType = 'arraybuffer';

  $('send').addEventListener('click', () => {
    const text = $('message').value;
    if (dc.readyState !== 'open') return;
    dc.send(text);
    log(`Sending '${text}'`);
  });
  $('message').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') $('send').click();
  });

  const gatheringComplete = () => new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
  });

  (async () => {
    setState('gathering');
    await pc.setLocalDescription(await pc.createOffer());
    await gatheringComplete();
    setState('signaling');
    const res = await fetch('/offer', {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp' },
      body: pc.localDescription.sdp,
    });
    const body = await res.text();
    if (!res.ok) throw new Error(`POST /offer: HTTP ${res.status}: ${body.trim()}`);
    await pc.setRemoteDescription({ type: 'answer', sdp: body });
    if (dc.readyState === 'connecting') setState('connecting');
  })().catch((err) => {
    setState('failed');
    log(`Error: ${err.message}`, 'error');
  });
})();
</script>
</body>
</html>
)html";
  return kPage;
}

}  // namespace simrtc::examples
