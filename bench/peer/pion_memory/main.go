// Memory per idle Pion PeerConnection, the counterpart of
// //bench/peer:peer_bench's BM_MemoryPerIdlePeerConnection: N pairs of Pion
// v3 PeerConnections in one process, connected over loopback UDP, each pair
// with one data channel open on both sides, then left idle for a second.
// Prints the growth of the Go heap in use (runtime.MemStats.HeapAlloc,
// after a GC), of goroutine stacks (StackInuse, not part of HeapAlloc) and
// of the resident set (/proc/self/statm) per PeerConnection.
//
// Build offline in GOPATH mode (see bench/peer/memory_vs_pion.sh).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/pion/webrtc/v3"
)

func residentBytes() int64 {
	var size, resident int64
	f, err := os.Open("/proc/self/statm")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if _, err := fmt.Fscan(f, &size, &resident); err != nil {
		panic(err)
	}
	return resident * int64(os.Getpagesize())
}

// Live heap and goroutine stacks, after a collection.
func heapAndStacks() (uint64, uint64) {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc, m.StackInuse
}

type pair struct {
	a, b    *webrtc.PeerConnection
	channel *webrtc.DataChannel
	openA   chan struct{}
	openB   chan struct{}
}

func newAPI() *webrtc.API {
	s := webrtc.SettingEngine{}
	// Loopback only, IPv4 UDP host candidates, no mDNS: the same single
	// host candidate per side as the C++ benchmark.
	s.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	s.SetIncludeLoopbackCandidate(true)
	s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	s.SetICEMulticastDNSMode(0) // ice.MulticastDNSModeDisabled
	return webrtc.NewAPI(webrtc.WithSettingEngine(s))
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// connect builds a pair and exchanges non-trickle offer/answer.
func connect(api *webrtc.API) *pair {
	p := &pair{openA: make(chan struct{}), openB: make(chan struct{})}
	var err error
	p.a, err = api.NewPeerConnection(webrtc.Configuration{})
	must(err)
	p.b, err = api.NewPeerConnection(webrtc.Configuration{})
	must(err)
	p.channel, err = p.a.CreateDataChannel("bench", nil)
	must(err)
	p.channel.OnOpen(func() { close(p.openA) })
	p.b.OnDataChannel(func(d *webrtc.DataChannel) {
		d.OnOpen(func() { close(p.openB) })
	})
	offer, err := p.a.CreateOffer(nil)
	must(err)
	gatheredA := webrtc.GatheringCompletePromise(p.a)
	must(p.a.SetLocalDescription(offer))
	<-gatheredA
	must(p.b.SetRemoteDescription(*p.a.LocalDescription()))
	answer, err := p.b.CreateAnswer(nil)
	must(err)
	gatheredB := webrtc.GatheringCompletePromise(p.b)
	must(p.b.SetLocalDescription(answer))
	<-gatheredB
	must(p.a.SetRemoteDescription(*p.b.LocalDescription()))
	for _, ch := range []chan struct{}{p.openA, p.openB} {
		select {
		case <-ch:
		case <-time.After(20 * time.Second):
			panic("data channel did not open")
		}
	}
	return p
}

func main() {
	n := flag.Int("pairs", 100, "connected pairs held at once")
	flag.Parse()
	api := newAPI()
	// Warm up once (package init, first certificate, goroutine stacks),
	// as the C++ benchmark's process has initialised its libraries.
	w := connect(api)
	w.a.Close()
	w.b.Close()
	time.Sleep(200 * time.Millisecond)

	heapBefore, stackBefore := heapAndStacks()
	rssBefore := residentBytes()
	held := make([]*pair, 0, *n)
	for i := 0; i < *n; i++ {
		held = append(held, connect(api))
	}
	time.Sleep(time.Second) // idle
	heapAfter, stackAfter := heapAndStacks()
	rssAfter := residentBytes()
	pcs := float64(2 * *n)
	fmt.Printf("pion_pairs %d\n", *n)
	fmt.Printf("pion_peer_connections %d\n", 2**n)
	fmt.Printf("pion_heap_bytes_per_pc %.0f\n",
		float64(int64(heapAfter)-int64(heapBefore))/pcs)
	fmt.Printf("pion_stack_bytes_per_pc %.0f\n",
		float64(int64(stackAfter)-int64(stackBefore))/pcs)
	fmt.Printf("pion_rss_bytes_per_pc %.0f\n", float64(rssAfter-rssBefore)/pcs)
	fmt.Printf("pion_goroutines %d\n", runtime.NumGoroutine())
	for _, p := range held {
		if p.channel.ReadyState() != webrtc.DataChannelStateOpen {
			panic("a held channel is not open")
		}
	}
	for _, p := range held {
		p.a.Close()
		p.b.Close()
	}
}
