#include "core/ice/mdns_resolver.h"

#include <variant>

namespace simrtc::ice {

namespace {
constexpr uint16_t kMdnsPort = 5353;
}  // namespace

absl::StatusOr<MdnsResolver> MdnsResolver::Create(mdns::Config config) {
  absl::StatusOr<mdns::MdnsConn> conn =
      mdns::MdnsConn::Create(std::move(config));
  if (!conn.ok()) return conn.status();
  return MdnsResolver(std::move(*conn));
}

absl::StatusOr<ResolveId> MdnsResolver::Resolve(Timestamp now,
                                                std::string_view name,
                                                IpFamily family) {
  return conn_.Query(now, name, family);
}

void MdnsResolver::Cancel(ResolveId id) { conn_.CancelQuery(id); }

absl::Status MdnsResolver::Publish(Timestamp now, std::string_view name,
                                   const IpAddress& address) {
  return conn_.Publish(now, name, {address});
}

absl::Status MdnsResolver::Unpublish(Timestamp now, std::string_view name) {
  return conn_.Unpublish(now, name);
}

std::optional<NameResolution> MdnsResolver::PollResolution() {
  std::optional<mdns::Event> e = conn_.PollEvent();
  if (!e) return std::nullopt;
  NameResolution r;
  if (auto* ok = std::get_if<mdns::Resolved>(&*e)) {
    r.id = ok->id;
    r.name = std::move(ok->name);
    r.addresses = std::move(ok->addresses);
  } else {
    auto& failed = std::get<mdns::ResolveFailed>(*e);
    r.id = failed.id;
    r.name = std::move(failed.name);
    r.status = failed.reason;
  }
  return r;
}

bool MdnsResolver::HandleDatagram(Timestamp now, const Datagram& d) {
  if (d.local.port() != kMdnsPort) {
    return false;
  }
  conn_.HandleDatagram(now, d);
  return true;
}

}  // namespace simrtc::ice
