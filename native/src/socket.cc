// See socket.h.
#include "socket.h"

#include "errors.h"

namespace zt {

Napi::FunctionReference Socket::constructor_;

void Socket::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function fn = DefineClass(env, "Socket",
                                  {
                                      InstanceMethod<&Socket::Write>("write"),
                                      InstanceMethod<&Socket::End>("end"),
                                      InstanceMethod<&Socket::Close>("close"),
                                      InstanceMethod<&Socket::SetReading>("setReading"),
                                      InstanceMethod<&Socket::SetHandler>("setHandler"),
                                  });
  constructor_ = Napi::Persistent(fn);
  constructor_.SuppressDestruct();
  exports.Set("Socket", fn);
}

struct SocketInit {
  std::shared_ptr<IoLoop> loop;
  const SocketInfo* info;
};

Napi::Object Socket::New(Napi::Env env, std::shared_ptr<IoLoop> loop, const SocketInfo& info) {
  SocketInit init{std::move(loop), &info};
  Napi::Object obj = constructor_.New({Napi::External<SocketInit>::New(env, &init)});
  obj.Set("id", Napi::Number::New(env, info.shared->id));
  obj.Set("localPort", Napi::Number::New(env, info.localPort));
  obj.Set("remoteAddress", Napi::Buffer<uint8_t>::Copy(env, info.remoteAddr, 16));
  obj.Set("remotePort", Napi::Number::New(env, info.remotePort));
  return obj;
}

Socket::Socket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Socket>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw MakeError(info.Env(), "ERR_INVALID_ARG_TYPE", "Socket objects are made by Node.listen/connect");
  }
  auto* init = info[0].As<Napi::External<SocketInit>>().Data();
  loop_ = init->loop;
  shared_ = init->info->shared;
}

void Socket::Emit(Napi::Env env, const char* type, Napi::Value arg) {
  if (std::string(type) == "close") closed_ = true;
  if (handler_.IsEmpty()) {
    Pending p{type, arg.IsUndefined() ? Napi::Reference<Napi::Value>() : Napi::Persistent(arg)};
    pending_.push_back(std::move(p));
    return;
  }
  handler_.Call(Value(), {Napi::String::New(env, type), arg});
}

Napi::Value Socket::Write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray()) throw MakeError(env, "ERR_INVALID_ARG_TYPE", "write() takes a Uint8Array");
  auto data = info[0].As<Napi::Uint8Array>();
  if (closed_) return Napi::Boolean::New(env, true);
  size_t queued = loop_->Write(shared_, reinterpret_cast<const char*>(data.Data()), data.ByteLength());
  return Napi::Boolean::New(env, queued < IoLoop::kWriteHighWater);
}

void Socket::End(const Napi::CallbackInfo&) {
  if (!closed_) loop_->End(shared_->id);
}

void Socket::Close(const Napi::CallbackInfo&) {
  if (!closed_) loop_->Close(shared_->id);
}

void Socket::SetReading(const Napi::CallbackInfo& info) {
  if (!closed_) loop_->SetReading(shared_->id, info.Length() > 0 && info[0].ToBoolean());
}

void Socket::SetHandler(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) throw MakeError(env, "ERR_INVALID_ARG_TYPE", "setHandler() takes a function");
  handler_ = Napi::Persistent(info[0].As<Napi::Function>());
  std::vector<Pending> pending;
  pending.swap(pending_);
  for (auto& p : pending) {
    Napi::Value arg = p.arg.IsEmpty() ? env.Undefined() : p.arg.Value();
    handler_.Call(Value(), {Napi::String::New(env, p.type), arg});
  }
}

}  // namespace zt
