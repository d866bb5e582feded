// Command pion_sdp writes an SDP offer and answer made by Pion WebRTC v3 (the
// Debian package golang-github-pion-webrtc.v3-dev), the source of
// core/sdp/testdata/pion_offer.sdp and pion_answer.sdp. Run it with
// pion_sdp.sh, which builds it offline in GOPATH mode.
//
// Nothing touches the real network: both peers gather candidates on Pion's
// virtual network (transport/v2/vnet) with documentation addresses
// (RFC 5737), so the candidates are stable apart from ports and foundations.
//
//   - Offerer: host 192.0.2.10 behind an endpoint-independent NAT whose
//     public address is 203.0.113.25; a Pion STUN/TURN server on the same
//     virtual network at 198.51.100.7:3478 gives it a server-reflexive and a
//     relayed candidate. Audio (Opus, G722, PCMU, PCMA), video (VP8, H264,
//     VP9, each with RTX), transport-cc, the SDES mid/rid/repaired-rid
//     header extensions, one audio and one video track and a data channel.
//   - Answerer: an ICE-lite peer at 192.0.2.20 with a UDP mux on port 8443
//     and an ICE-TCP mux (passive candidate; the listener is a real socket on
//     127.0.0.1, nothing connects to it), receiving audio (Opus) and video
//     (VP8 + RTX) and accepting the data channel.
//
// Random per run: session ids and versions (the version is the Unix time),
// ICE credentials, DTLS fingerprints, SSRCs, host ports and the foundations
// derived from them.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/pion/ice/v2"
	"github.com/pion/logging"
	"github.com/pion/sdp/v3"
	"github.com/pion/transport/v2/vnet"
	"github.com/pion/turn/v2"
	"github.com/pion/webrtc/v3"
)

const (
	serverIP   = "198.51.100.7"
	natIP      = "203.0.113.25"
	offerIP    = "192.0.2.10"
	answerIP   = "192.0.2.20"
	turnUser   = "user"
	turnPass   = "pass"
	turnRealm  = "example.org"
	streamID   = "pion-stream"
	answerPort = 8443
)

var videoFeedback = []webrtc.RTCPFeedback{
	{Type: "goog-remb"}, {Type: "ccm", Parameter: "fir"}, {Type: "nack"},
	{Type: "nack", Parameter: "pli"}, {Type: "transport-cc"},
}

type codec struct {
	kind webrtc.RTPCodecType
	pt   webrtc.PayloadType
	cap  webrtc.RTPCodecCapability
}

func audio(pt webrtc.PayloadType, mime string, rate uint32, ch uint16, fmtp string, fb []webrtc.RTCPFeedback) codec {
	return codec{webrtc.RTPCodecTypeAudio, pt, webrtc.RTPCodecCapability{
		MimeType: mime, ClockRate: rate, Channels: ch, SDPFmtpLine: fmtp, RTCPFeedback: fb}}
}

func video(pt webrtc.PayloadType, mime, fmtp string, fb []webrtc.RTCPFeedback) codec {
	return codec{webrtc.RTPCodecTypeVideo, pt, webrtc.RTPCodecCapability{
		MimeType: mime, ClockRate: 90000, SDPFmtpLine: fmtp, RTCPFeedback: fb}}
}

func rtx(pt, apt webrtc.PayloadType) codec {
	return video(pt, "video/rtx", fmt.Sprintf("apt=%d", apt), nil)
}

var opus = audio(111, webrtc.MimeTypeOpus, 48000, 2, "minptime=10;useinbandfec=1",
	[]webrtc.RTCPFeedback{{Type: "transport-cc"}})

// mediaEngine registers codecs in order, then header extensions; Pion
// numbers extensions in registration order, shared between kinds.
func mediaEngine(codecs []codec, videoExts []string) *webrtc.MediaEngine {
	m := &webrtc.MediaEngine{}
	for _, c := range codecs {
		must(m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: c.cap, PayloadType: c.pt}, c.kind))
	}
	must(m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.TransportCCURI}, webrtc.RTPCodecTypeVideo))
	must(m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.TransportCCURI}, webrtc.RTPCodecTypeAudio))
	for _, uri := range videoExts {
		must(m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: uri}, webrtc.RTPCodecTypeVideo))
	}
	return m
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "pion_sdp:", err)
		os.Exit(1)
	}
}

func mustValue[T any](v T, err error) T {
	must(err)
	return v
}

// offererNetwork builds WAN (STUN/TURN server) + NATed LAN (offerer).
func offererNetwork(lf logging.LoggerFactory) (*vnet.Router, *vnet.Net, *turn.Server) {
	wan := mustValue(vnet.NewRouter(&vnet.RouterConfig{CIDR: "0.0.0.0/0", LoggerFactory: lf}))
	serverNet := mustValue(vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{serverIP}}))
	must(wan.AddNet(serverNet))
	lan := mustValue(vnet.NewRouter(&vnet.RouterConfig{
		StaticIPs: []string{natIP},
		CIDR:      "192.0.2.0/24",
		NATType: &vnet.NATType{
			MappingBehavior:   vnet.EndpointIndependent,
			FilteringBehavior: vnet.EndpointIndependent,
		},
		LoggerFactory: lf,
	}))
	offerNet := mustValue(vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{offerIP}}))
	must(lan.AddNet(offerNet))
	must(wan.AddRouter(lan))
	must(wan.Start())

	conn := mustValue(serverNet.ListenPacket("udp4", serverIP+":3478"))
	key := turn.GenerateAuthKey(turnUser, turnRealm, turnPass)
	server := mustValue(turn.NewServer(turn.ServerConfig{
		Realm: turnRealm,
		AuthHandler: func(user, realm string, _ net.Addr) ([]byte, bool) {
			return key, user == turnUser
		},
		PacketConnConfigs: []turn.PacketConnConfig{{
			PacketConn: conn,
			RelayAddressGenerator: &turn.RelayAddressGeneratorStatic{
				RelayAddress: net.ParseIP(serverIP), Address: serverIP, Net: serverNet,
			},
		}},
		LoggerFactory: lf,
	}))
	return wan, offerNet, server
}

func gather(pc *webrtc.PeerConnection, desc webrtc.SessionDescription) string {
	done := webrtc.GatheringCompletePromise(pc)
	must(pc.SetLocalDescription(desc))
	<-done
	return pc.LocalDescription().SDP
}

func makeOffer(lf logging.LoggerFactory, offerNet *vnet.Net) string {
	se := webrtc.SettingEngine{LoggerFactory: lf}
	se.SetVNet(offerNet)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	me := mediaEngine([]codec{
		opus,
		audio(9, webrtc.MimeTypeG722, 8000, 0, "", nil),
		audio(0, webrtc.MimeTypePCMU, 8000, 0, "", nil),
		audio(8, webrtc.MimeTypePCMA, 8000, 0, "", nil),
		video(96, webrtc.MimeTypeVP8, "", videoFeedback), rtx(97, 96),
		video(102, webrtc.MimeTypeH264,
			"level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f", videoFeedback),
		rtx(103, 102),
		video(98, webrtc.MimeTypeVP9, "profile-id=0", videoFeedback), rtx(99, 98),
	}, []string{sdp.SDESMidURI, sdp.SDESRTPStreamIDURI, "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"})
	api := webrtc.NewAPI(webrtc.WithSettingEngine(se), webrtc.WithMediaEngine(me))
	pc := mustValue(api.NewPeerConnection(webrtc.Configuration{
		ICEServers: []webrtc.ICEServer{
			{URLs: []string{"stun:" + serverIP + ":3478"}},
			{URLs: []string{"turn:" + serverIP + ":3478?transport=udp"}, Username: turnUser, Credential: turnPass},
		},
	}))
	a := mustValue(webrtc.NewTrackLocalStaticSample(opus.cap, "audio", streamID))
	v := mustValue(webrtc.NewTrackLocalStaticSample(
		webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", streamID))
	mustValue(pc.AddTrack(a))
	mustValue(pc.AddTrack(v))
	mustValue(pc.CreateDataChannel("data", nil))
	return gather(pc, mustValue(pc.CreateOffer(nil)))
}

func makeAnswer(lf logging.LoggerFactory, offer string) string {
	root := mustValue(vnet.NewRouter(&vnet.RouterConfig{CIDR: "192.0.2.0/24", LoggerFactory: lf}))
	answerNet := mustValue(vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{answerIP}}))
	must(root.AddNet(answerNet))
	must(root.Start())
	defer func() { must(root.Stop()) }()

	udp := mustValue(answerNet.ListenPacket("udp4", fmt.Sprintf("%s:%d", answerIP, answerPort)))
	tcp := mustValue(net.Listen("tcp4", "127.0.0.1:0"))
	defer tcp.Close()

	se := webrtc.SettingEngine{LoggerFactory: lf}
	se.SetVNet(answerNet)
	se.SetLite(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeTCP4})
	se.SetICEUDPMux(ice.NewUDPMuxDefault(ice.UDPMuxParams{UDPConn: udp}))
	se.SetICETCPMux(ice.NewTCPMuxDefault(ice.TCPMuxParams{Listener: tcp, ReadBufferSize: 8}))
	me := mediaEngine([]codec{
		opus, video(96, webrtc.MimeTypeVP8, "", videoFeedback), rtx(97, 96),
	}, []string{sdp.SDESMidURI})
	api := webrtc.NewAPI(webrtc.WithSettingEngine(se), webrtc.WithMediaEngine(me))
	pc := mustValue(api.NewPeerConnection(webrtc.Configuration{}))
	recvonly := webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}
	mustValue(pc.AddTransceiverFromKind(webrtc.RTPCodecTypeAudio, recvonly))
	mustValue(pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, recvonly))
	must(pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}))
	return gather(pc, mustValue(pc.CreateAnswer(nil)))
}

func main() {
	out := flag.String("out", ".", "directory for pion_offer.sdp and pion_answer.sdp")
	flag.Parse()
	lf := logging.NewDefaultLoggerFactory()
	lf.DefaultLogLevel = logging.LogLevelError

	wan, offerNet, server := offererNetwork(lf)
	offer := makeOffer(lf, offerNet)
	answer := makeAnswer(lf, offer)
	must(server.Close())
	must(wan.Stop())

	for name, text := range map[string]string{"pion_offer.sdp": offer, "pion_answer.sdp": answer} {
		if !strings.HasSuffix(text, "\r\n") {
			must(fmt.Errorf("%s: SDP does not end in CRLF", name))
		}
		must(os.WriteFile(filepath.Join(*out, name), []byte(text), 0o644))
		fmt.Printf("%s: %d bytes\n", name, len(text))
	}
}
