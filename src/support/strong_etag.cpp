// Strong ETags from content hashes; see strong_etag.hpp.
#include "support/strong_etag.hpp"

#include "support/crypto.hpp"

namespace volkrin {

std::string strong_etag(std::string_view bytes) {
  return "\"" + crypto::hex_encode(crypto::sha256(bytes).substr(0, 12)) + "\"";
}

}  // namespace volkrin
