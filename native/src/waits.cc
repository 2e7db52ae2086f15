// See waits.h.
#include "waits.h"

#include <arpa/inet.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "errors.h"
#include "libzt.h"

namespace zt {
namespace {

class Wait : public Napi::AsyncWorker {
 public:
  Wait(Napi::Env env, int timeoutMs, std::shared_ptr<std::atomic<bool>> stopping)
      : Napi::AsyncWorker(env, "bytefall:zt-wait"), deferred_(Napi::Promise::Deferred::New(env)),
        timeoutMs_(timeoutMs), stopping_(std::move(stopping)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  // true when done; sets failure_ to stop with an error
  virtual bool Poll() = 0;
  virtual std::string What() const = 0;
  virtual Napi::Value Result(Napi::Env env) { return env.Undefined(); }
  Failure failure_;

 private:
  void Execute() override {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs_);
    for (;;) {
      if (Poll()) return;
      if (!failure_.ok()) return;
      if (stopping_->load()) {
        failure_ = Failure{"ZT_STOPPED", "the ZeroTier node stopped while waiting " + What()};
        return;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        failure_ = Failure{"ZT_TIMEOUT", "gave up waiting " + What() + " after " + std::to_string(timeoutMs_) + " ms"};
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (failure_.ok()) deferred_.Resolve(Result(env));
    else deferred_.Reject(MakeError(env, failure_).Value());
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

  Napi::Promise::Deferred deferred_;
  int timeoutMs_;
  std::shared_ptr<std::atomic<bool>> stopping_;
};

class OnlineWait : public Wait {
 public:
  using Wait::Wait;

 protected:
  bool Poll() override { return Get().node_is_online() == 1; }
  std::string What() const override { return "for the node to come online (reach a root server)"; }
};

class AddressWait : public Wait {
 public:
  AddressWait(Napi::Env env, uint64_t netId, int timeoutMs, std::shared_ptr<std::atomic<bool>> stopping)
      : Wait(env, timeoutMs, std::move(stopping)), netId_(netId) {}

 protected:
  bool Poll() override {
    const Api& api = Get();
    if (api.net_transport_is_ready(netId_) != 1 || api.addr_is_assigned(netId_, AF_INET6_) != 1) return false;
    char buf[IP_MAX_STR_LEN] = {0};
    int ret = api.addr_get_str(netId_, AF_INET6_, buf, IP_MAX_STR_LEN);
    if (ret != ERR_OK) {
      failure_ = ControlFailure("zts_addr_get_str", ret);
      return false;
    }
    text_ = buf;
    if (inet_pton(AF_INET6, buf, bytes_) != 1) {
      failure_ = Failure{"LIBZT_GENERAL", "zts_addr_get_str gave an address that is not IPv6: " + text_};
      return false;
    }
    return true;
  }
  std::string What() const override {
    char id[17];
    std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(netId_));
    return std::string("for an IPv6 address on network ") + id;
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("text", text_);
    o.Set("bytes", Napi::Buffer<uint8_t>::Copy(env, bytes_, 16));
    return o;
  }

 private:
  uint64_t netId_;
  std::string text_;
  uint8_t bytes_[16] = {0};
};

}  // namespace

Napi::Promise WaitOnline(Napi::Env env, int timeoutMs, std::shared_ptr<std::atomic<bool>> stopping) {
  auto* w = new OnlineWait(env, timeoutMs, std::move(stopping));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Promise WaitAddress(Napi::Env env, uint64_t netId, int timeoutMs, std::shared_ptr<std::atomic<bool>> stopping) {
  auto* w = new AddressWait(env, netId, timeoutMs, std::move(stopping));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

}  // namespace zt
