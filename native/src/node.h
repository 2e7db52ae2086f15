// The JS wrapper of the ZeroTier node: libzt keeps one node per process, so at
// most one Node runs at a time. It starts the node from a storage directory,
// forwards libzt's events, waits (as async work) to come online and for an
// address, joins networks, and opens sockets through its I/O thread.
#pragma once

#include <napi.h>

#include <atomic>
#include <memory>
#include <unordered_map>

#include "io-loop.h"
#include "js-queue.h"

namespace zt {

// An event from libzt's thread, copied before the callback returns.
struct NodeEvent {
  int code = 0;
  uint64_t nodeId = 0;
  uint64_t netId = 0;
  int netStatus = -1;
  uint64_t peerId = 0;
  int peerRole = -1;
  std::string address;
};

class Node : public Napi::ObjectWrap<Node>, public IoSink {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit Node(const Napi::CallbackInfo& info);
  ~Node() override;

  // IoSink (I/O thread)
  void OnOpened(uint64_t req, const Failure& f, const SocketInfo& info) override;
  void OnAccepted(uint32_t listener, const SocketInfo& info) override;
  void OnData(const std::shared_ptr<SocketShared>& s, char* data, size_t len) override;
  void OnEnd(uint32_t id) override;
  void OnError(uint32_t id, const Failure& f) override;
  void OnDrain(uint32_t id) override;
  void OnClosed(uint32_t id) override;

  void EmitEvent(Napi::Env env, const NodeEvent& ev);  // JS thread

 private:
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value WaitOnline(const Napi::CallbackInfo& info);
  Napi::Value NodeId(const Napi::CallbackInfo& info);
  void Join(const Napi::CallbackInfo& info);
  void Leave(const Napi::CallbackInfo& info);
  Napi::Value WaitAddress(const Napi::CallbackInfo& info);
  Napi::Value Listen(const Napi::CallbackInfo& info);
  Napi::Value Connect(const Napi::CallbackInfo& info);
  void Stop(const Napi::CallbackInfo& info);
  void Ref(const Napi::CallbackInfo& info);
  void Unref(const Napi::CallbackInfo& info);

  void RequireRunning(Napi::Env env) const;
  void StopNow();
  static void CleanupHook(void* self);
  void Dispatch(Napi::Env env, uint32_t id, const char* type, Napi::Value arg);

  std::shared_ptr<JsQueue> queue_;
  Napi::FunctionReference onEvent_;
  std::shared_ptr<IoLoop> loop_;
  std::shared_ptr<std::atomic<bool>> stopping_;
  bool running_ = false;
  bool stopped_ = false;
  napi_env env_;
  Napi::ObjectReference selfRef_;  // alive while running and until the last posted task
  uint64_t nextReq_ = 1;
  std::unordered_map<uint64_t, Napi::Promise::Deferred> pending_;  // JS thread only
  std::unordered_map<uint32_t, Napi::ObjectReference> sockets_;    // JS thread only
};

}  // namespace zt
