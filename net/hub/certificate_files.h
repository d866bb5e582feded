// The seed hub's certificate utilities: a DTLS certificate from a PEM key
// file and a PEM certificate file, with errors that say which file holds
// what. Parsing and the key/certificate match are core/dtls's
// (dtls::Certificate::FromPem); this layer only looks at the PEM block
// labels first, so that swapped or wrong files are named as such.
//
// Contract: nothing here crashes on any file content. Errors:
//  * NotFound: the file cannot be opened (the path and errno text);
//  * InvalidArgument, naming the path:
//    - "no private key found" / "no certificate found": no PEM block at all
//      (or, for certificates, no CERTIFICATE block);
//    - "PEM block \"<label>\" is not a private key": the key file starts
//      with another kind of block (e.g. a certificate: files swapped);
//    - "PEM block \"<label>\" is not a certificate": likewise;
//    - "unknown private key type \"<label>\"": a *PRIVATE KEY block that is
//      neither PKCS#8 ("PRIVATE KEY") nor traditional EC or RSA (encrypted
//      keys included: there is no passphrase here);
//    - a PEM block without its END line;
//    - from core/dtls: unparsable contents, or a key that does not match the
//      certificate.
#ifndef NET_HUB_CERTIFICATE_FILES_H_
#define NET_HUB_CERTIFICATE_FILES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/dtls/certificate.h"

namespace simrtc::hub {

// One "-----BEGIN <label>-----" ... "-----END <label>-----" block, both
// lines included in `pem`.
struct PemBlock {
  std::string label;
  std::string pem;
};

// Every PEM block of `text`, in order; text outside blocks is ignored.
// `source` names the input in errors.
absl::StatusOr<std::vector<PemBlock>> SplitPem(std::string_view text,
                                               std::string_view source);

// The first block of the file, which must be a private key: its PEM text.
absl::StatusOr<std::string> LoadKeyPem(const std::string& path);
// Every CERTIFICATE block of the file (the first one is the leaf); the file
// must start with one.
absl::StatusOr<std::vector<std::string>> LoadCertificatePems(
    const std::string& path);

// The key and the first certificate as a dtls::Certificate.
absl::StatusOr<dtls::Certificate> LoadKeyAndCertificate(
    const std::string& key_path, const std::string& certificate_path);

}  // namespace simrtc::hub

#endif  // NET_HUB_CERTIFICATE_FILES_H_
