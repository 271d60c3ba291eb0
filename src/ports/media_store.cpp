// Out-of-line parts of the media storage port: releasing an opened object's descriptor.
#include "ports/media_store.hpp"

#include <unistd.h>

namespace volkrin {

OpenedObject::~OpenedObject() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace volkrin
