#pragma once

namespace edgebench {

/// Project version, e.g. "0.1.0".
const char* BuildVersion();
/// Short git revision the binary was built from, or "unknown" outside a checkout.
const char* BuildRevision();
/// True when the checkout had uncommitted changes to tracked files at build time.
bool BuildDirty();

}  // namespace edgebench
