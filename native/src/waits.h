// The node's blocking waits as async work (libuv's thread pool): coming online,
// and being ready on a network with an IPv6 address. Each polls libzt every
// 20 ms until done, the deadline (ZT_TIMEOUT) or the node stops (ZT_STOPPED).
#pragma once

#include <napi.h>

#include <atomic>
#include <cstdint>
#include <memory>

namespace zt {

Napi::Promise WaitOnline(Napi::Env env, int timeoutMs, std::shared_ptr<std::atomic<bool>> stopping);
// Resolves to { text, bytes } of the first IPv6 address the network assigned.
Napi::Promise WaitAddress(Napi::Env env, uint64_t netId, int timeoutMs, std::shared_ptr<std::atomic<bool>> stopping);

}  // namespace zt
