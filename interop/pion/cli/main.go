// Command pioncli is a Pion v3 WebRTC data-channel peer for interop tests and
// side-by-side benchmarks. It follows the same command-line contract as
// simrtc's own //examples/cli, so either end of a test can be swapped:
//
//	pioncli --role offer|answer --port N --mode echo|bench --bytes N --timeout S [--host 127.0.0.1]
//
// Signaling is one HTTP exchange, non-trickle: the answerer serves
// http://HOST:PORT/offer; the offerer POSTs its complete offer SDP (after ICE
// gathering completes) as Content-Type application/sdp and gets the complete
// answer SDP back with status 201.
//
// The offerer opens one data channel labelled with the mode.
//
//	echo:  the answerer returns every message unchanged. The offerer sends 100
//	       messages, alternating text (valid UTF-8) and binary, with sizes
//	       spread over 1..60000 bytes, checks every echo byte for byte and in
//	       order, then prints "ECHO OK n=100".
//	bench: the offerer sends the text "size:<N>", then N bytes as binary
//	       messages of 16 KiB, keeping its buffered amount under 1 MiB; the
//	       answerer replies "done:<N>" once it has received them all. The
//	       offerer prints "BENCH bytes=<N> seconds=<t> MBps=<x>" (MB = 10^6
//	       bytes, timed from sending "size:" to receiving "done:").
//
// Both modes: the offerer prints "SETUP seconds=<t>" (offer created to data
// channel open). The answerer exits 0 once the offerer's channel has closed,
// or non-zero at --timeout or if the connection fails; the offerer exits 0
// after its checks pass and non-zero, with a message on stderr, on any
// mismatch, failure or timeout. Result lines go to stdout, diagnostics to
// stderr.
//
// Networking is loopback only: ICE gathers host candidates on IPv4 loopback
// addresses (udp4), mDNS is disabled, and there are no STUN/TURN servers.
//
// Build offline from Debian's Go sources with interop/pion/build.sh.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/pion/ice/v2"
	"github.com/pion/webrtc/v3"
)

const (
	maxSDPBytes      = 64 << 10 // larger POST bodies are rejected with 413
	echoCount        = 100
	echoMaxSize      = 60000
	benchChunk       = 16 << 10
	maxBuffered      = 1 << 20 // keep the send buffer under this
	lowWaterBuffered = 512 << 10
)

var (
	role    = flag.String("role", "", "offer or answer")
	host    = flag.String("host", "127.0.0.1", "address of the answerer's HTTP signaling server")
	port    = flag.Int("port", 0, "port of the answerer's HTTP signaling server")
	mode    = flag.String("mode", "echo", "echo or bench")
	nbytes  = flag.Int64("bytes", 20000000, "bench: bytes to transfer")
	timeout = flag.Float64("timeout", 60, "seconds before giving up (exit non-zero)")
)

// phase names what the program is waiting for, for the timeout message.
var phase atomic.Value

func setPhase(s string) { phase.Store(s) }

func logf(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "pioncli[%s]: %s\n", *role, fmt.Sprintf(format, args...))
}

func die(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "pioncli[%s]: FAIL: %s\n", *role, fmt.Sprintf(format, args...))
	os.Exit(1)
}

func main() {
	flag.Parse()
	if flag.NArg() != 0 {
		die("unexpected arguments %q", flag.Args())
	}
	if *role != "offer" && *role != "answer" {
		die("--role must be offer or answer, not %q", *role)
	}
	if *mode != "echo" && *mode != "bench" {
		die("--mode must be echo or bench, not %q", *mode)
	}
	if *port < 0 || *port > 65535 || (*role == "offer" && *port == 0) {
		die("--port %d is not a usable port", *port)
	}
	if *nbytes < 0 {
		die("--bytes must not be negative")
	}
	if *timeout <= 0 {
		die("--timeout must be positive")
	}
	setPhase("starting")
	time.AfterFunc(time.Duration(*timeout*float64(time.Second)), func() {
		die("timeout after %gs while %s", *timeout, phase.Load())
	})
	api := newAPI()
	if *role == "answer" {
		runAnswerer(api)
	} else {
		runOfferer(api)
	}
}

// newAPI returns a Pion API restricted to IPv4 loopback host candidates.
func newAPI() *webrtc.API {
	var s webrtc.SettingEngine
	s.SetIncludeLoopbackCandidate(true)
	s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	s.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() && ip.To4() != nil })
	s.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	return webrtc.NewAPI(webrtc.WithSettingEngine(s))
}

// gather sets desc as the local description and waits for ICE gathering to
// complete, returning the full SDP with every candidate.
func gather(pc *webrtc.PeerConnection, desc webrtc.SessionDescription) (string, error) {
	done := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(desc); err != nil {
		return "", fmt.Errorf("SetLocalDescription: %w", err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		return "", errors.New("ICE gathering did not complete within 10s")
	}
	return pc.LocalDescription().SDP, nil
}

// ---------------------------------------------------------------- answerer

type answerer struct {
	api   *webrtc.API
	mu    sync.Mutex // serializes offers
	taken bool       // a session has been answered
	exit  chan int   // exit code, once the session is over
}

func runAnswerer(api *webrtc.API) {
	a := &answerer{api: api, exit: make(chan int, 1)}
	ln, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		die("listen: %v", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/offer", a.handleOffer)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			die("http: %v", err)
		}
	}()
	// Readiness line for scripts (the actual port when --port 0).
	fmt.Printf("LISTENING %s\n", ln.Addr())
	setPhase("waiting for POST /offer")
	code := <-a.exit
	srv.Close()
	os.Exit(code)
}

func httpError(w http.ResponseWriter, code int, format string, args ...interface{}) {
	msg := fmt.Sprintf(format, args...)
	logf("POST /offer -> %d: %s", code, msg)
	http.Error(w, msg, code)
}

func (a *answerer) handleOffer(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		httpError(w, http.StatusMethodNotAllowed, "only POST")
		return
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !strings.EqualFold(mt, "application/sdp") {
		httpError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/sdp, not %q",
			r.Header.Get("Content-Type"))
		return
	}
	if r.ContentLength > maxSDPBytes {
		httpError(w, http.StatusRequestEntityTooLarge, "body over %d bytes", maxSDPBytes)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSDPBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			httpError(w, http.StatusRequestEntityTooLarge, "body over %d bytes", maxSDPBytes)
		} else {
			httpError(w, http.StatusBadRequest, "reading body: %v", err)
		}
		return
	}
	if len(body) == 0 || !utf8.Valid(body) {
		httpError(w, http.StatusBadRequest, "body is not an SDP offer")
		return
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	if a.taken {
		httpError(w, http.StatusConflict, "this answerer already has a session")
		return
	}
	pc, err := a.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		httpError(w, http.StatusInternalServerError, "NewPeerConnection: %v", err)
		return
	}
	offer := webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: string(body)}
	if err := pc.SetRemoteDescription(offer); err != nil {
		pc.Close()
		httpError(w, http.StatusBadRequest, "bad offer: %v", err)
		return
	}
	a.watch(pc)
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		pc.Close()
		httpError(w, http.StatusBadRequest, "CreateAnswer: %v", err)
		return
	}
	sdp, err := gather(pc, answer)
	if err != nil {
		pc.Close()
		httpError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	a.taken = true
	setPhase("waiting for the offerer's data channel")
	w.Header().Set("Content-Type", "application/sdp")
	w.WriteHeader(http.StatusCreated)
	io.WriteString(w, sdp)
}

func (a *answerer) finish(code int) {
	select {
	case a.exit <- code:
	default:
	}
}

func (a *answerer) watch(pc *webrtc.PeerConnection) {
	// fail ends the session with exit code 1, closing the connection first
	// so the offerer sees its channel close instead of waiting for a timeout.
	var failed int32
	fail := func(format string, args ...interface{}) {
		logf("FAIL: "+format, args...)
		atomic.StoreInt32(&failed, 1)
		go func() {
			pc.Close()
			a.finish(1)
		}()
	}
	var opened int32
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		logf("connection state %s", s)
		if s == webrtc.PeerConnectionStateFailed {
			fail("peer connection failed")
		}
	})
	pc.OnDataChannel(func(dc *webrtc.DataChannel) {
		if dc.Label() != *mode {
			fail("data channel label %q, but --mode is %s", dc.Label(), *mode)
			return
		}
		dc.OnOpen(func() {
			atomic.StoreInt32(&opened, 1)
			setPhase("serving the " + *mode + " channel")
			logf("data channel %q open", dc.Label())
		})
		dc.OnClose(func() {
			logf("data channel %q closed", dc.Label())
			if atomic.LoadInt32(&failed) == 1 {
				return // fail() decides the exit code
			}
			go pc.Close()
			if atomic.LoadInt32(&opened) == 1 {
				a.finish(0)
			} else {
				fail("data channel closed before it opened")
			}
		})
		if *mode == "echo" {
			dc.OnMessage(func(m webrtc.DataChannelMessage) {
				var err error
				if m.IsString {
					err = dc.SendText(string(m.Data))
				} else {
					err = dc.Send(m.Data)
				}
				if err != nil {
					fail("echo send: %v", err)
				}
			})
			return
		}
		var want, got int64 = -1, 0
		dc.OnMessage(func(m webrtc.DataChannelMessage) { // callbacks are serial
			switch {
			case m.IsString && want < 0 && strings.HasPrefix(string(m.Data), "size:"):
				n, err := strconv.ParseInt(string(m.Data[5:]), 10, 64)
				if err != nil || n < 0 {
					fail("bad bench header %q", m.Data)
					return
				}
				want = n
			case !m.IsString && want >= 0:
				got += int64(len(m.Data))
				if got > want {
					fail("got %d bench bytes, more than the announced %d", got, want)
					return
				}
			default:
				fail("unexpected bench message (text=%v, %d bytes)", m.IsString, len(m.Data))
				return
			}
			if got == want {
				if err := dc.SendText(fmt.Sprintf("done:%d", want)); err != nil {
					fail("send done: %v", err)
				}
			}
		})
	})
}

// ----------------------------------------------------------------- offerer

func runOfferer(api *webrtc.API) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		die("NewPeerConnection: %v", err)
	}
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		logf("connection state %s", s)
		if s == webrtc.PeerConnectionStateFailed {
			die("peer connection failed")
		}
	})
	dc, err := pc.CreateDataChannel(*mode, nil)
	if err != nil {
		die("CreateDataChannel: %v", err)
	}
	opened := make(chan struct{})
	closed := make(chan struct{})
	dc.OnOpen(func() { close(opened) })
	dc.OnClose(func() { close(closed) })
	inbox := make(chan webrtc.DataChannelMessage, echoCount+16)
	dc.OnMessage(func(m webrtc.DataChannelMessage) { inbox <- m })
	low := make(chan struct{}, 1)
	dc.SetBufferedAmountLowThreshold(lowWaterBuffered)
	dc.OnBufferedAmountLow(func() {
		select {
		case low <- struct{}{}:
		default:
		}
	})

	setPhase("creating the offer")
	start := time.Now()
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		die("CreateOffer: %v", err)
	}
	setPhase("gathering ICE candidates")
	sdp, err := gather(pc, offer)
	if err != nil {
		die("%v", err)
	}
	setPhase(fmt.Sprintf("posting the offer to http://%s/offer", net.JoinHostPort(*host, strconv.Itoa(*port))))
	answer := postOffer(sdp)
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		die("SetRemoteDescription(answer): %v", err)
	}
	setPhase("connecting (ICE, DTLS, SCTP, data channel open)")
	select {
	case <-opened:
	case <-closed:
		die("data channel closed before it opened")
	}
	fmt.Printf("SETUP seconds=%.3f\n", time.Since(start).Seconds())

	send := func(text bool, data []byte) {
		// Flow control: wait for OnBufferedAmountLow while another message
		// would take the buffered amount over maxBuffered.
		for dc.BufferedAmount()+uint64(len(data)) > maxBuffered {
			select {
			case <-low:
			case <-closed:
				die("data channel closed while sending")
			}
		}
		var err error
		if text {
			err = dc.SendText(string(data))
		} else {
			err = dc.Send(data)
		}
		if err != nil {
			die("send: %v", err)
		}
	}
	recv := func() webrtc.DataChannelMessage {
		select {
		case m := <-inbox:
			return m
		case <-closed:
			die("data channel closed by the peer while %s", phase.Load())
		}
		panic("unreachable")
	}

	if *mode == "echo" {
		runEcho(send, recv, inbox)
	} else {
		runBench(send, recv)
	}

	setPhase("closing")
	dc.Close()
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
	}
	pc.Close()
}

// postOffer sends the offer to the answerer, retrying while nothing listens
// yet, and returns the answer SDP.
func postOffer(sdp string) string {
	url := fmt.Sprintf("http://%s/offer", net.JoinHostPort(*host, strconv.Itoa(*port)))
	client := &http.Client{Timeout: 20 * time.Second}
	for {
		resp, err := client.Post(url, "application/sdp", strings.NewReader(sdp))
		if err != nil {
			var op *net.OpError
			if errors.As(err, &op) && op.Op == "dial" {
				time.Sleep(100 * time.Millisecond) // answerer not up yet
				continue
			}
			die("POST %s: %v", url, err)
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxSDPBytes+1))
		resp.Body.Close()
		if err != nil {
			die("POST %s: reading the answer: %v", url, err)
		}
		if resp.StatusCode != http.StatusCreated {
			die("POST %s: status %d, want 201: %s", url, resp.StatusCode, bytes.TrimSpace(body))
		}
		if len(body) > maxSDPBytes {
			die("POST %s: answer over %d bytes", url, maxSDPBytes)
		}
		return string(body)
	}
}

// echoMessage returns message i of the echo run: even i are text, odd i
// binary; sizes go from 1 to echoMaxSize bytes.
func echoMessage(i int) (text bool, data []byte) {
	size := 1 + i*(echoMaxSize-1)/(echoCount-1)
	data = make([]byte, 0, size)
	if i%2 == 0 {
		// Valid UTF-8 of exactly size bytes: 1-, 2-, 3- and 4-byte
		// characters in turn, ASCII where the next one would not fit.
		runes := []rune{'a', 'é', '€', '😀', 'Z', 'ж', '中', '𝄞'}
		for k := 0; len(data) < size; k++ {
			r := runes[(i+k)%len(runes)]
			if len(data)+utf8.RuneLen(r) > size {
				r = rune('0' + (size-len(data))%10)
			}
			data = utf8.AppendRune(data, r)
		}
		return true, data
	}
	// Binary: every byte value, a different deterministic sequence per i.
	x := uint32(2463534242 + i)
	for len(data) < size {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		data = append(data, byte(x))
	}
	return false, data
}

func runEcho(send func(bool, []byte), recv func() webrtc.DataChannelMessage,
	inbox <-chan webrtc.DataChannelMessage) {
	setPhase("sending echo messages")
	// Send everything (flow-controlled) while a reader checks echoes in
	// order: the channel is ordered and reliable.
	checked := make(chan struct{})
	go func() {
		for i := 0; i < echoCount; i++ {
			text, want := echoMessage(i)
			m := recv()
			if m.IsString != text {
				die("echo %d: got a %s message, sent %s", i, kind(m.IsString), kind(text))
			}
			if !bytes.Equal(m.Data, want) {
				die("echo %d (%s): got %d bytes, sent %d; first difference at byte %d",
					i, kind(text), len(m.Data), len(want), firstDiff(m.Data, want))
			}
			setPhase(fmt.Sprintf("waiting for echo %d of %d", i+2, echoCount))
		}
		close(checked)
	}()
	for i := 0; i < echoCount; i++ {
		text, data := echoMessage(i)
		send(text, data)
	}
	<-checked
	// Nothing more may arrive.
	select {
	case m := <-inbox:
		die("unexpected extra echo message (%s, %d bytes)", kind(m.IsString), len(m.Data))
	case <-time.After(200 * time.Millisecond):
	}
	fmt.Printf("ECHO OK n=%d\n", echoCount)
}

func kind(text bool) string {
	if text {
		return "text"
	}
	return "binary"
}

func firstDiff(a, b []byte) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) < len(b) {
		return len(a)
	}
	return len(b)
}

func runBench(send func(bool, []byte), recv func() webrtc.DataChannelMessage) {
	n := *nbytes
	chunk := make([]byte, benchChunk)
	for i := range chunk {
		chunk[i] = byte(i * 7)
	}
	setPhase(fmt.Sprintf("sending %d bench bytes", n))
	start := time.Now()
	send(true, []byte(fmt.Sprintf("size:%d", n)))
	for left := n; left > 0; {
		k := int64(len(chunk))
		if left < k {
			k = left
		}
		send(false, chunk[:k])
		left -= k
	}
	setPhase(fmt.Sprintf("waiting for done:%d", n))
	m := recv()
	secs := time.Since(start).Seconds()
	want := fmt.Sprintf("done:%d", n)
	if !m.IsString || string(m.Data) != want {
		die("bench: got %s %q, want text %q", kind(m.IsString), truncate(m.Data), want)
	}
	fmt.Printf("BENCH bytes=%d seconds=%.3f MBps=%.2f\n", n, secs, float64(n)/1e6/secs)
}

func truncate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}
