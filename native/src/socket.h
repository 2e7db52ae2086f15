// The JS wrapper of one ZeroTier socket (a listener or a stream), made only by
// Node when a listen, connect or accept completes. JS writes (false: wait for
// 'drain'), ends, closes and pauses it; its events (data, end, error, drain, close, connection) reach the
// handler set with setHandler(fn(type, arg)), queued until one is set.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "io-loop.h"

namespace zt {

class Socket : public Napi::ObjectWrap<Socket> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  static Napi::Object New(Napi::Env env, std::shared_ptr<IoLoop> loop, const SocketInfo& info);
  explicit Socket(const Napi::CallbackInfo& info);

  // JS thread: delivers an event now, or keeps it until a handler is set.
  void Emit(Napi::Env env, const char* type, Napi::Value arg);

 private:
  static Napi::FunctionReference constructor_;
  Napi::Value Write(const Napi::CallbackInfo& info);
  void End(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);
  void SetReading(const Napi::CallbackInfo& info);
  void SetHandler(const Napi::CallbackInfo& info);

  std::shared_ptr<IoLoop> loop_;
  std::shared_ptr<SocketShared> shared_;
  bool closed_ = false;
  Napi::FunctionReference handler_;
  struct Pending {
    std::string type;
    Napi::Reference<Napi::Value> arg;
  };
  std::vector<Pending> pending_;
};

}  // namespace zt
