// Side-by-side inputs for Pion: the same messages our C++ benchmarks use
// (bench/stun, bench/rtp, bench/rtcp, bench/sdp), measured with Pion's codecs
// from Debian's golang-github-pion-* packages. Run by bench/pion_compare.sh.
package pioncompare

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/stun"
)

const icePassword = "0123456789abcdefghijkl"

func iceBindingRequest(b *testing.B) *stun.Message {
	var txid [stun.TransactionIDSize]byte
	for i := range txid {
		txid[i] = byte(0xa0 + i)
	}
	m, err := stun.Build(
		stun.NewType(stun.MethodBinding, stun.ClassRequest),
		stun.NewTransactionIDSetter(txid),
		stun.NewUsername("abcd:efgh"),
		stun.RawAttribute{Type: stun.AttrPriority, Value: []byte{0x6e, 0x7f, 0x1e, 0xff}},
		stun.RawAttribute{Type: stun.AttrICEControlling, Value: []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}},
		stun.RawAttribute{Type: stun.AttrUseCandidate},
		stun.NewShortTermIntegrity(icePassword),
		stun.Fingerprint,
	)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// STUN decode of an ICE connectivity check into a reused message.
func BenchmarkStunDecode(b *testing.B) {
	raw := iceBindingRequest(b).Raw
	m := stun.New()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Reset()
		if err := stun.Decode(raw, m); err != nil {
			b.Fatal(err)
		}
	}
}

// Building the same check with MESSAGE-INTEGRITY and FINGERPRINT.
func BenchmarkStunBuildIntegrityFingerprint(b *testing.B) {
	var txid [stun.TransactionIDSize]byte
	integrity := stun.NewShortTermIntegrity(icePassword)
	username := stun.NewUsername("abcd:efgh")
	prio := stun.RawAttribute{Type: stun.AttrPriority, Value: []byte{0x6e, 0x7f, 0x1e, 0xff}}
	ctrl := stun.RawAttribute{Type: stun.AttrICEControlling, Value: []byte{1, 2, 3, 4, 5, 6, 7, 8}}
	use := stun.RawAttribute{Type: stun.AttrUseCandidate}
	m := stun.New()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Reset()
		if err := m.Build(stun.NewType(stun.MethodBinding, stun.ClassRequest),
			stun.NewTransactionIDSetter(txid), username, prio, ctrl, use,
			integrity, stun.Fingerprint); err != nil {
			b.Fatal(err)
		}
	}
}

// Verifying MESSAGE-INTEGRITY of a decoded check.
func BenchmarkStunVerifyIntegrity(b *testing.B) {
	m := iceBindingRequest(b)
	integrity := stun.NewShortTermIntegrity(icePassword)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := integrity.Check(m); err != nil {
			b.Fatal(err)
		}
	}
}

func videoPacket() *rtp.Packet {
	p := &rtp.Packet{Header: rtp.Header{
		Version: 2, Marker: true, PayloadType: 96, SequenceNumber: 27023,
		Timestamp: 3653407706, SSRC: 476325762,
	}}
	_ = p.Header.SetExtension(3, []byte{0x12, 0x34, 0x56})
	_ = p.Header.SetExtension(5, []byte{0x12, 0x67})
	p.Payload = make([]byte, 1200)
	for i := range p.Payload {
		p.Payload[i] = 0x5a
	}
	return p
}

// RTP unmarshal of a 1200-byte video packet with two one-byte extensions
// into a reused struct.
func BenchmarkRtpUnmarshal(b *testing.B) {
	raw, err := videoPacket().Marshal()
	if err != nil {
		b.Fatal(err)
	}
	p := &rtp.Packet{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := p.Unmarshal(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRtpMarshalTo(b *testing.B) {
	p := videoPacket()
	buf := make([]byte, 1500)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.MarshalTo(buf); err != nil {
			b.Fatal(err)
		}
	}
}

func chromiumOffer(b *testing.B) []byte {
	raw, err := os.ReadFile(os.Getenv("SDP_FILE"))
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

func BenchmarkSdpUnmarshal(b *testing.B) {
	raw := chromiumOffer(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var sd sdp.SessionDescription
		if err := sd.Unmarshal(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSdpMarshal(b *testing.B) {
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(chromiumOffer(b)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := sd.Marshal(); err != nil {
			b.Fatal(err)
		}
	}
}

// rtcpCompound reads one of the compounds //bench/rtcp:write_compounds
// wrote into $RTCP_DIR (the bytes //bench/rtcp:rtcp_bench parses) and checks
// Pion parses it into the expected packet types before anything is timed.
func rtcpCompound(b *testing.B, name string, want ...rtcp.Packet) []byte {
	raw, err := os.ReadFile(filepath.Join(os.Getenv("RTCP_DIR"), name))
	if err != nil {
		b.Fatal(err)
	}
	pkts, err := rtcp.Unmarshal(raw)
	if err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	if len(pkts) != len(want) {
		b.Fatalf("%s: %d packets, want %d", name, len(pkts), len(want))
	}
	for i, p := range pkts {
		if reflect.TypeOf(p) != reflect.TypeOf(want[i]) {
			b.Fatalf("%s: packet %d is %T, want %T", name, i, p, want[i])
		}
	}
	return raw
}

func benchmarkRtcpUnmarshal(b *testing.B, raw []byte) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := rtcp.Unmarshal(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// Compound parse of SR + SDES + REMB (104 bytes).
func BenchmarkRtcpUnmarshalSrSdesRemb(b *testing.B) {
	benchmarkRtcpUnmarshal(b, rtcpCompound(b, "sr_sdes_remb.bin",
		&rtcp.SenderReport{}, &rtcp.SourceDescription{},
		&rtcp.ReceiverEstimatedMaximumBitrate{}))
}

// Compound parse of RR + generic NACK + transport-cc feedback (128 bytes).
func BenchmarkRtcpUnmarshalRrNackTwcc(b *testing.B) {
	benchmarkRtcpUnmarshal(b, rtcpCompound(b, "rr_nack_twcc.bin",
		&rtcp.ReceiverReport{}, &rtcp.TransportLayerNack{},
		&rtcp.TransportLayerCC{}))
}
