// Proves usrsctp links and runs in the no-threads mode the project uses:
// init without threads, create an AF_CONN socket, drive timers by hand.
#include <gtest/gtest.h>
#include <usrsctp.h>

namespace {

int DiscardOutput(void*, void*, size_t, uint8_t, uint8_t) { return 0; }

TEST(UsrsctpSmokeTest, InitNoThreadsSocketAndTimers) {
  usrsctp_init_nothreads(0, &DiscardOutput, nullptr);
  usrsctp_sysctl_set_sctp_ecn_enable(0);
  static int address_token;
  usrsctp_register_address(&address_token);
  struct socket* sock =
      usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, nullptr, nullptr, 0,
                     nullptr);
  ASSERT_NE(sock, nullptr);
  // Timers advance only when we say so: no background thread exists.
  for (int i = 0; i < 10; ++i) usrsctp_handle_timers(10);
  usrsctp_close(sock);
  usrsctp_deregister_address(&address_token);
  // usrsctp_finish may need a few timer rounds to release the socket.
  int attempts = 0;
  while (usrsctp_finish() != 0 && attempts++ < 100) usrsctp_handle_timers(10);
  EXPECT_LT(attempts, 100);
}

}  // namespace
