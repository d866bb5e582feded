// Writes pion_offer.b64 and pion_answer.b64: a data-channel offer and its
// answer made by Pion v3, encoded by Pion's own examples/internal/signal
// package (signal.Encode, the format net/signal/sdp_codec.h reads). Only
// UDP/IPv4 host candidates, rewritten to 192.0.2.10 (TEST-NET-1), so the
// files do not reveal the machine's addresses. Run through pion_signal.sh, which builds it
// offline inside Pion's examples tree (the only place allowed to import
// that internal package).
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/pion/webrtc/v3"
	"github.com/pion/webrtc/v3/examples/internal/signal"
)

func newPeer() *webrtc.PeerConnection {
	var se webrtc.SettingEngine
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetNAT1To1IPs([]string{"192.0.2.10"}, webrtc.ICECandidateTypeHost)
	api := webrtc.NewAPI(webrtc.WithSettingEngine(se))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		log.Fatal(err)
	}
	return pc
}

// setLocalAndGather sets desc as the local description and waits for ICE
// gathering, so the SDP carries every candidate (non-trickle).
func setLocalAndGather(pc *webrtc.PeerConnection, desc webrtc.SessionDescription) webrtc.SessionDescription {
	done := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(desc); err != nil {
		log.Fatal(err)
	}
	<-done
	return *pc.LocalDescription()
}

func main() {
	out := flag.String("out", ".", "output directory")
	flag.Parse()

	offerer := newPeer()
	defer offerer.Close()
	answerer := newPeer()
	defer answerer.Close()

	if _, err := offerer.CreateDataChannel("data", nil); err != nil {
		log.Fatal(err)
	}
	offer, err := offerer.CreateOffer(nil)
	if err != nil {
		log.Fatal(err)
	}
	offer = setLocalAndGather(offerer, offer)
	if err := answerer.SetRemoteDescription(offer); err != nil {
		log.Fatal(err)
	}
	answer, err := answerer.CreateAnswer(nil)
	if err != nil {
		log.Fatal(err)
	}
	answer = setLocalAndGather(answerer, answer)

	for name, desc := range map[string]webrtc.SessionDescription{
		"pion_offer.b64":  offer,
		"pion_answer.b64": answer,
	} {
		path := filepath.Join(*out, name)
		if err := os.WriteFile(path, []byte(signal.Encode(desc)+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
