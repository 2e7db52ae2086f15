// Making a private root set with libzt's own tools (optional symbols): a new
// identity for a root node, and a signed roots definition naming root nodes and
// their physical endpoints, for zts_init_set_roots (docs/ZEROTIER.md).
#pragma once

#include <napi.h>

namespace zt {

// newIdentity() -> "<node id>:0:<public>:<secret>"
Napi::Value NewIdentity(const Napi::CallbackInfo& info);
// signRoots([{ identity: "<node id>:0:<public>", endpoints: ["192.0.2.1/9993"] }], worldId?) -> Buffer
Napi::Value SignRoots(const Napi::CallbackInfo& info);

}  // namespace zt
