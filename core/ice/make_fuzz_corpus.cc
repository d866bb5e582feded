// Writes the ice_agent_fuzzer seed corpus: real messages exchanged with the
// fuzz harness's agent (testing::MakeFuzzAgent), each prefixed with the
// fuzzer's control byte.
//
//   bazel run //core/ice:make_fuzz_corpus --
//   $PWD/core/ice/testdata/ice_agent_corpus
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/ice/connectivity_check.h"
#include "core/ice/test_util.h"
#include "core/stun/builder.h"
#include "core/stun/message.h"

namespace {

namespace ice = simrtc::ice;
namespace stun = simrtc::stun;

void Write(const std::string& dir, const std::string& name, uint8_t control,
           const std::vector<uint8_t>& bytes) {
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out.put(static_cast<char>(control));
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  std::printf("%s: %zu bytes\n", name.c_str(), bytes.size() + 1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  simrtc::Timestamp now;
  std::vector<uint8_t> first_check;
  auto agent =
      ice::testing::MakeFuzzAgent(ice::Role::kControlling, &now, &first_check);
  if (first_check.empty()) {
    std::fprintf(stderr, "the harness agent sent no check\n");
    return 1;
  }
  const stun::Message check =
      stun::Message::Parse(simrtc::ByteSpan(first_check)).value();
  const std::string peer_pwd(ice::testing::kFuzzPeerPwd);
  const std::string local_pwd(ice::testing::kFuzzLocalPwd);

  // What the agent sent, fed back to it (its own check, from itself).
  Write(dir, "own_check_request.bin", 0x06, first_check);
  // The peer's success response to that check.
  Write(dir, "check_success_response.bin", 0x00,
        ice::BuildCheckSuccess(check.transaction_id(),
                               ice::testing::FuzzLocalAddress(), peer_pwd)
            .value());
  // A 487 to it.
  Write(dir, "check_role_conflict_response.bin", 0x00,
        ice::BuildCheckError(check.transaction_id(), 487, peer_pwd).value());

  // The peer's own checks towards the agent.
  ice::CheckRequestParams p;
  p.local_ufrag = ice::testing::kFuzzPeerUfrag;
  p.remote = {std::string(ice::testing::kFuzzLocalUfrag), local_pwd};
  p.priority = 1862270975;
  p.role = ice::Role::kControlled;
  p.tie_breaker = 0x0102030405060708;
  stun::TransactionId txid;
  txid.bytes.fill(0x42);
  Write(dir, "peer_check_request.bin", 0x08,
        ice::BuildCheckRequest(txid, p).value());
  p.role = ice::Role::kControlling;
  p.use_candidate = true;
  p.tie_breaker = ~uint64_t{0};
  Write(dir, "peer_nominating_request.bin", 0x09,
        ice::BuildCheckRequest(txid, p).value());
  // From an unknown address: a peer-reflexive candidate.
  Write(dir, "prflx_request.bin", 0x0B,
        ice::BuildCheckRequest(txid, p).value());

  const uint8_t unknown[4] = {1, 2, 3, 4};
  Write(
      dir, "unknown_attribute_request.bin", 0x00,
      stun::MessageBuilder(stun::Method::kBinding, stun::Class::kRequest, txid)
          .AddUsername("FUZZ:PEER")
          .AddPriority(1)
          .AddIceControlled(1)
          .AddRaw(static_cast<stun::AttributeType>(0x0077), unknown)
          .AddMessageIntegrity(local_pwd)
          .AddFingerprint()
          .Build()
          .value());
  Write(dir, "keepalive_indication.bin", 0x18,
        ice::BuildKeepalive(txid).value());
  Write(dir, "dtls_record.bin", 0x18,
        {22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4});
  Write(dir, "rtp_packet.bin", 0x08,
        {0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0xAA, 0xBB});
  return 0;
}
