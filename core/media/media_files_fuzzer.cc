// Runs every media file reader (IVF, Annex-B, Ogg/Ogg Opus) over arbitrary
// bytes: they must end or fail cleanly, never read out of bounds.
#include <cstddef>
#include <cstdint>

#include "core/media/annexb.h"
#include "core/media/ivf.h"
#include "core/media/ogg.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  simrtc::ByteSpan in(data, size);
  if (auto ivf = simrtc::media::IvfReader::Open(in); ivf.ok()) {
    while (true) {
      auto f = ivf->Next();
      if (!f.ok() || !f->has_value()) break;
    }
  }
  simrtc::media::AnnexBReader annexb(in);
  while (annexb.Next()) {
  }
  if (auto ogg = simrtc::media::OggOpusReader::Open(in); ogg.ok()) {
    while (true) {
      auto p = ogg->NextPacket();
      if (!p.ok() || !p->has_value()) break;
    }
  }
  simrtc::media::OggReader pages(in);
  while (true) {
    auto p = pages.NextPage();
    if (!p.ok() || !p->has_value()) break;
  }
  return 0;
}
