#include "net/hub/certificate_files.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace simrtc::hub {
namespace {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrFormat(
        "cannot open %s file %s: %s", what, path, std::strerror(errno)));
  }
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) {
    return absl::NotFoundError(
        absl::StrFormat("cannot read %s file %s", what, path));
  }
  return s.str();
}

bool IsPrivateKeyLabel(std::string_view label) {
  return label.size() >= 11 && label.substr(label.size() - 11) == "PRIVATE KEY";
}

}  // namespace

absl::StatusOr<std::vector<PemBlock>> SplitPem(std::string_view text,
                                               std::string_view source) {
  std::vector<PemBlock> blocks;
  size_t pos = 0;
  while (true) {
    const size_t begin = text.find(kBegin, pos);
    if (begin == std::string_view::npos) break;
    const size_t label_start = begin + kBegin.size();
    const size_t label_end = text.find(kDashes, label_start);
    const size_t line_end = text.find('\n', label_start);
    if (label_end == std::string_view::npos ||
        (line_end != std::string_view::npos && label_end > line_end)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: malformed PEM BEGIN line at offset %d", source, begin));
    }
    PemBlock block;
    block.label =
        std::string(text.substr(label_start, label_end - label_start));
    const std::string end_line =
        std::string(kEnd) + block.label + std::string(kDashes);
    const size_t end = text.find(end_line, label_end);
    if (end == std::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: PEM block \"%s\" at offset %d has no END line",
                          source, block.label, begin));
    }
    pos = end + end_line.size();
    block.pem = std::string(text.substr(begin, pos - begin)) + "\n";
    blocks.push_back(std::move(block));
  }
  return blocks;
}

absl::StatusOr<std::string> LoadKeyPem(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, "private key");
  if (!text.ok()) return text.status();
  absl::StatusOr<std::vector<PemBlock>> blocks = SplitPem(*text, path);
  if (!blocks.ok()) return blocks.status();
  if (blocks->empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: no private key found (no PEM block)", path));
  }
  const PemBlock& first = blocks->front();
  if (!IsPrivateKeyLabel(first.label)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: PEM block \"%s\" is not a private key", path, first.label));
  }
  if (first.label != "PRIVATE KEY" && first.label != "EC PRIVATE KEY" &&
      first.label != "RSA PRIVATE KEY") {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: unknown private key type \"%s\" (want PRIVATE KEY, EC PRIVATE "
        "KEY or RSA PRIVATE KEY, unencrypted)",
        path, first.label));
  }
  return first.pem;
}

absl::StatusOr<std::vector<std::string>> LoadCertificatePems(
    const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, "certificate");
  if (!text.ok()) return text.status();
  absl::StatusOr<std::vector<PemBlock>> blocks = SplitPem(*text, path);
  if (!blocks.ok()) return blocks.status();
  if (blocks->empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: no certificate found (no PEM block)", path));
  }
  if (blocks->front().label != "CERTIFICATE") {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: PEM block \"%s\" is not a certificate", path,
                        blocks->front().label));
  }
  std::vector<std::string> out;
  for (const PemBlock& b : *blocks) {
    if (b.label == "CERTIFICATE") out.push_back(b.pem);
  }
  return out;
}

absl::StatusOr<dtls::Certificate> LoadKeyAndCertificate(
    const std::string& key_path, const std::string& certificate_path) {
  absl::StatusOr<std::string> key = LoadKeyPem(key_path);
  if (!key.ok()) return key.status();
  absl::StatusOr<std::vector<std::string>> certs =
      LoadCertificatePems(certificate_path);
  if (!certs.ok()) return certs.status();
  absl::StatusOr<dtls::Certificate> c =
      dtls::Certificate::FromPem(*key, certs->front());
  if (!c.ok()) {
    return absl::Status(
        c.status().code(),
        absl::StrFormat("%s + %s: %s", key_path, certificate_path,
                        c.status().message()));
  }
  return c;
}

}  // namespace simrtc::hub
