// See node.h.
#include "node.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "errors.h"
#include "libzt.h"
#include "socket.h"
#include "waits.h"

namespace zt {
namespace {

// libzt's event callback takes no user data: it reaches the running node here.
std::mutex eventMu;
std::shared_ptr<JsQueue> eventQueue;
Node* eventNode = nullptr;
bool nodeRunning = false;  // JS thread: one node per process

std::string AddrText(const sockaddr_storage_t& ss) {
  char buf[IP_MAX_STR_LEN] = {0};
  if (ss.ss_family == AF_INET6_) {
    const auto* sa = reinterpret_cast<const sockaddr_in6_t*>(&ss);
    inet_ntop(AF_INET6, sa->sin6_addr, buf, sizeof buf);
  } else if (ss.ss_family == AF_INET4) {
    const uint8_t* b = reinterpret_cast<const uint8_t*>(&ss) + 4;  // after len, family, port
    inet_ntop(AF_INET, b, buf, sizeof buf);
  }
  return buf;
}

void OnZtEvent(void* p) {
  const auto* msg = static_cast<const event_msg_t*>(p);
  if (!msg) return;
  NodeEvent ev;
  ev.code = msg->event_code;
  if (msg->node) ev.nodeId = msg->node->node_id;
  if (msg->network) {
    ev.netId = msg->network->net_id;
    ev.netStatus = msg->network->status;
  }
  if (msg->peer) {
    ev.peerId = msg->peer->peer_id;
    ev.peerRole = msg->peer->role;
  }
  if (msg->addr) {
    ev.netId = msg->addr->net_id;
    ev.address = AddrText(msg->addr->addr);
  }
  std::lock_guard<std::mutex> lock(eventMu);
  if (!eventQueue) return;
  Node* node = eventNode;
  eventQueue->Post([node, ev](Napi::Env env) { node->EmitEvent(env, ev); });
}

std::string Hex(uint64_t v, int digits) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

uint64_t ParseNetId(Napi::Env env, const Napi::Value& v) {
  std::string s = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  if (s.size() != 16 || s.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    throw MakeError(env, "ERR_INVALID_ARG_VALUE", "a network id is 16 hex digits");
  }
  return std::strtoull(s.c_str(), nullptr, 16);
}

int IntArg(Napi::Env env, const Napi::Value& v, const char* name, int min, int max) {
  if (!v.IsNumber()) throw MakeError(env, "ERR_INVALID_ARG_TYPE", std::string(name) + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= min && d <= max) || d != static_cast<int>(d)) {
    throw MakeError(env, "ERR_OUT_OF_RANGE", std::string(name) + " must be an integer " + std::to_string(min) + "-" + std::to_string(max));
  }
  return static_cast<int>(d);
}

const uint8_t* Addr16(Napi::Env env, const Napi::Value& v) {
  static const uint8_t any[16] = {0};
  if (v.IsNull() || v.IsUndefined()) return any;
  if (!v.IsTypedArray() || v.As<Napi::Uint8Array>().ByteLength() != 16) {
    throw MakeError(env, "ERR_INVALID_ARG_TYPE", "an IPv6 address is a 16-byte Uint8Array");
  }
  return v.As<Napi::Uint8Array>().Data();
}

}  // namespace

void Node::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function fn = DefineClass(env, "Node",
                                  {
                                      InstanceMethod<&Node::Start>("start"),
                                      InstanceMethod<&Node::WaitOnline>("waitOnline"),
                                      InstanceMethod<&Node::NodeId>("nodeId"),
                                      InstanceMethod<&Node::Join>("join"),
                                      InstanceMethod<&Node::Leave>("leave"),
                                      InstanceMethod<&Node::WaitAddress>("waitAddress"),
                                      InstanceMethod<&Node::Listen>("listen"),
                                      InstanceMethod<&Node::Connect>("connect"),
                                      InstanceMethod<&Node::Stop>("stop"),
                                      InstanceMethod<&Node::Ref>("ref"),
                                      InstanceMethod<&Node::Unref>("unref"),
                                  });
  exports.Set("Node", fn);
}

Node::Node(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Node>(info), env_(info.Env()) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) throw MakeError(env, "ERR_INVALID_ARG_TYPE", "new Node(onEvent) takes a function");
  onEvent_ = Napi::Persistent(info[0].As<Napi::Function>());
  stopping_ = std::make_shared<std::atomic<bool>>(false);
}

Node::~Node() {
  // only reached when not running (a running node holds a reference to itself)
}

void Node::RequireRunning(Napi::Env env) const {
  if (!running_) throw MakeError(env, "ZT_NOT_STARTED", stopped_ ? "the ZeroTier node was stopped" : "the ZeroTier node is not started");
}

Napi::Value Node::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw MakeError(env, "ERR_INVALID_ARG_TYPE", "start() takes an options object");
  Napi::Object opts = info[0].As<Napi::Object>();
  Napi::Value home = opts.Get("home");
  if (!home.IsString() || home.As<Napi::String>().Utf8Value().empty()) {
    throw MakeError(env, "ERR_INVALID_ARG_TYPE", "start(): home must be a directory path");
  }
  if (running_ || stopped_) throw MakeError(env, "ZT_NODE_BUSY", "this Node was already started; make a new one");
  if (nodeRunning) throw MakeError(env, "ZT_NODE_BUSY", "a ZeroTier node is already running in this process (libzt allows one)");
  const Api* api;
  try {
    api = &Load("");
  } catch (const LoadError& e) {
    throw MakeError(env, e.code, e.message);
  }
  int ret = api->init_from_storage(home.As<Napi::String>().Utf8Value().c_str());
  if (ret != ERR_OK) throw MakeError(env, ControlFailure("zts_init_from_storage", ret));
  if ((ret = api->init_set_event_handler(&OnZtEvent)) != ERR_OK) throw MakeError(env, ControlFailure("zts_init_set_event_handler", ret));
  Napi::Value roots = opts.Get("roots");
  if (roots.IsTypedArray()) {
    auto r = roots.As<Napi::Uint8Array>();
    if ((ret = api->init_set_roots(r.Data(), static_cast<unsigned>(r.ByteLength()))) != ERR_OK) {
      throw MakeError(env, ControlFailure("zts_init_set_roots", ret));
    }
  }
  api->init_allow_port_mapping(opts.Get("portMapping").ToBoolean() ? 1 : 0);
  Napi::Value port = opts.Get("port");
  if (port.IsNumber()) {
    int p = IntArg(env, port, "port", 1, 65535);
    if ((ret = api->init_set_port(static_cast<unsigned short>(p))) != ERR_OK) throw MakeError(env, ControlFailure("zts_init_set_port", ret));
  }
  queue_ = JsQueue::Create(env, "bytefall:zt");
  {
    std::lock_guard<std::mutex> lock(eventMu);
    eventQueue = queue_;
    eventNode = this;
  }
  if ((ret = api->node_start()) != ERR_OK) {
    {
      std::lock_guard<std::mutex> lock(eventMu);
      eventQueue.reset();
      eventNode = nullptr;
    }
    queue_->Close();
    throw MakeError(env, ControlFailure("zts_node_start", ret));
  }
  loop_ = std::make_shared<IoLoop>(this);
  loop_->Start();
  running_ = true;
  nodeRunning = true;
  selfRef_ = Napi::Persistent(Value());
  napi_add_env_cleanup_hook(env, &Node::CleanupHook, this);
  return env.Undefined();
}

Napi::Value Node::WaitOnline(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireRunning(env);
  return zt::WaitOnline(env, IntArg(env, info[0], "timeoutMs", 0, 1 << 30), stopping_);
}

Napi::Value Node::NodeId(const Napi::CallbackInfo& info) {
  RequireRunning(info.Env());
  return Napi::String::New(info.Env(), Hex(Get().node_get_id(), 10));
}

void Node::Join(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireRunning(env);
  int ret = Get().net_join(ParseNetId(env, info[0]));
  if (ret != ERR_OK) throw MakeError(env, ControlFailure("zts_net_join", ret));
}

void Node::Leave(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireRunning(env);
  int ret = Get().net_leave(ParseNetId(env, info[0]));
  if (ret != ERR_OK) throw MakeError(env, ControlFailure("zts_net_leave", ret));
}

Napi::Value Node::WaitAddress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireRunning(env);
  uint64_t net = ParseNetId(env, info[0]);
  return zt::WaitAddress(env, net, IntArg(env, info[1], "timeoutMs", 0, 1 << 30), stopping_);
}

Napi::Value Node::Listen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireRunning(env);
  const uint8_t* addr = Addr16(env, info[0]);
  int port = IntArg(env, info[1], "port", 0, 65535);
  int backlog = info[2].IsUndefined() ? 128 : IntArg(env, info[2], "backlog", 1, 1024);
  uint64_t req = nextReq_++;
  auto it = pending_.emplace(req, Napi::Promise::Deferred::New(env)).first;
  loop_->Listen(req, addr, port, backlog);
  return it->second.Promise();
}

Napi::Value Node::Connect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireRunning(env);
  if (info[0].IsNull() || info[0].IsUndefined()) throw MakeError(env, "ERR_INVALID_ARG_TYPE", "connect() needs an address");
  const uint8_t* addr = Addr16(env, info[0]);
  int port = IntArg(env, info[1], "port", 1, 65535);
  int timeout = IntArg(env, info[2], "timeoutMs", 1, 1 << 30);
  uint64_t req = nextReq_++;
  auto it = pending_.emplace(req, Napi::Promise::Deferred::New(env)).first;
  loop_->Connect(req, addr, port, timeout);
  return it->second.Promise();
}

void Node::StopNow() {
  if (!running_) return;
  running_ = false;
  stopped_ = true;
  {
    std::lock_guard<std::mutex> lock(eventMu);
    eventQueue.reset();
    eventNode = nullptr;
  }
  stopping_->store(true);
  loop_->Stop();  // closes sockets; their close events and failed requests are queued
  Get().node_stop();
  nodeRunning = false;
  napi_remove_env_cleanup_hook(env_, &Node::CleanupHook, this);
  queue_->Post([this](Napi::Env) { selfRef_.Reset(); });  // after every other task
  queue_->Close();
}

void Node::CleanupHook(void* self) {
  // the environment is exiting with the node running: stop threads before teardown
  auto* node = static_cast<Node*>(self);
  node->running_ = false;
  node->stopping_->store(true);
  {
    std::lock_guard<std::mutex> lock(eventMu);
    eventQueue.reset();
    eventNode = nullptr;
  }
  node->loop_->Stop();
  Get().node_stop();
  nodeRunning = false;
}

void Node::Stop(const Napi::CallbackInfo&) { StopNow(); }
void Node::Ref(const Napi::CallbackInfo&) {
  if (running_) queue_->Ref();
}
void Node::Unref(const Napi::CallbackInfo&) {
  if (running_) queue_->Unref();
}

void Node::EmitEvent(Napi::Env env, const NodeEvent& ev) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("code", ev.code);
  o.Set("name", EventName(ev.code));
  if (ev.nodeId) o.Set("nodeId", Hex(ev.nodeId, 10));
  if (ev.netId) o.Set("networkId", Hex(ev.netId, 16));
  if (ev.netStatus >= 0) o.Set("networkStatus", ev.netStatus);
  if (ev.peerId) o.Set("peerId", Hex(ev.peerId, 10));
  if (ev.peerRole >= 0) o.Set("peerRole", ev.peerRole);
  if (!ev.address.empty()) o.Set("address", ev.address);
  onEvent_.Call(Value(), {o});
}

void Node::Dispatch(Napi::Env env, uint32_t id, const char* type, Napi::Value arg) {
  auto it = sockets_.find(id);
  if (it == sockets_.end()) return;
  Napi::Object obj = it->second.Value();
  if (std::strcmp(type, "close") == 0) sockets_.erase(it);  // the wrapper may now be collected
  Socket::Unwrap(obj)->Emit(env, type, arg);
}

// IoSink: each posts a task that runs on the JS thread.

void Node::OnOpened(uint64_t req, const Failure& f, const SocketInfo& info) {
  queue_->Post([this, req, f, info](Napi::Env env) {
    auto it = pending_.find(req);
    if (it == pending_.end()) return;
    Napi::Promise::Deferred d = it->second;
    pending_.erase(it);
    if (!f.ok()) return d.Reject(MakeError(env, f).Value());
    Napi::Object sock = Socket::New(env, loop_, info);
    sockets_.emplace(info.shared->id, Napi::Persistent(sock));
    d.Resolve(sock);
  });
}

void Node::OnAccepted(uint32_t listener, const SocketInfo& info) {
  queue_->Post([this, listener, info](Napi::Env env) {
    Napi::Object sock = Socket::New(env, loop_, info);
    sockets_.emplace(info.shared->id, Napi::Persistent(sock));
    Dispatch(env, listener, "connection", sock);
  });
}

void Node::OnData(const std::shared_ptr<SocketShared>& s, char* data, size_t len) {
  bool posted = queue_->Post([this, s, data, len](Napi::Env env) {
    auto buf = Napi::Buffer<char>::NewOrCopy(env, data, len, [](Napi::Env, char* d) { std::free(d); });
    s->inflight -= len;
    Dispatch(env, s->id, "data", buf);
  });
  if (!posted) std::free(data);
}

void Node::OnEnd(uint32_t id) {
  queue_->Post([this, id](Napi::Env env) { Dispatch(env, id, "end", env.Undefined()); });
}

void Node::OnError(uint32_t id, const Failure& f) {
  queue_->Post([this, id, f](Napi::Env env) { Dispatch(env, id, "error", MakeError(env, f).Value()); });
}

void Node::OnDrain(uint32_t id) {
  queue_->Post([this, id](Napi::Env env) { Dispatch(env, id, "drain", env.Undefined()); });
}

void Node::OnClosed(uint32_t id) {
  queue_->Post([this, id](Napi::Env env) { Dispatch(env, id, "close", env.Undefined()); });
}

}  // namespace zt
