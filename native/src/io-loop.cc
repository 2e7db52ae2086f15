// See io-loop.h. The loop: take queued commands, run connect timers, poll every
// socket that waits for something, then accept, receive and send what is ready.
// zts_bsd_poll cannot be woken from another thread (there is no lwIP descriptor
// to signal), so it sleeps one short tick: 1 ms while traffic flows, 10 ms when
// idle, and on a condition variable when there is no socket at all.
#include "io-loop.h"

#include <arpa/inet.h>

#include <cstdlib>
#include <cstring>

#include "libzt.h"

namespace zt {
namespace {

constexpr int kActiveTickMs = 1;
constexpr int kIdleTickMs = 10;
constexpr auto kIdleAfter = std::chrono::milliseconds(100);
constexpr size_t kReceiveBudget = 1 << 20;  // per socket per round, for fairness

sockaddr_in6_t MakeAddr(const uint8_t addr[16], int port) {
  sockaddr_in6_t sa{};
  sa.sin6_len = sizeof(sa);
  sa.sin6_family = AF_INET6_;
  sa.sin6_port = htons(static_cast<uint16_t>(port));
  std::memcpy(sa.sin6_addr, addr, 16);
  return sa;
}

int LocalPort(int fd) {
  sockaddr_storage_t ss{};
  uint32_t len = sizeof(ss);
  if (Get().bsd_getsockname(fd, &ss, &len) < 0) return 0;
  return ntohs(reinterpret_cast<sockaddr_in6_t*>(&ss)->sin6_port);
}

}  // namespace

IoLoop::IoLoop(IoSink* sink) : sink_(sink) {}

IoLoop::~IoLoop() { Stop(); }

void IoLoop::Start() { thread_ = std::thread([this] { Run(); }); }

void IoLoop::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void IoLoop::Push(Command&& c) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;  // a socket that outlived its node
    commands_.push_back(std::move(c));
  }
  cv_.notify_one();
}

void IoLoop::Listen(uint64_t req, const uint8_t addr[16], int port, int backlog) {
  Command c{Command::Listen};
  c.req = req;
  std::memcpy(c.addr, addr, 16);
  c.port = port;
  c.arg = backlog;
  Push(std::move(c));
}

void IoLoop::Connect(uint64_t req, const uint8_t addr[16], int port, int timeoutMs) {
  Command c{Command::Connect};
  c.req = req;
  std::memcpy(c.addr, addr, 16);
  c.port = port;
  c.arg = timeoutMs;
  Push(std::move(c));
}

size_t IoLoop::Write(const std::shared_ptr<SocketShared>& s, const char* data, size_t len) {
  // counted before the command is queued, so the I/O thread cannot drain it first
  size_t queued = s->queued.fetch_add(len) + len;
  if (queued >= kWriteHighWater) s->drainWanted = true;
  Command c{Command::Write};
  c.id = s->id;
  c.data.assign(data, data + len);
  Push(std::move(c));
  return queued;
}

void IoLoop::End(uint32_t id) {
  Command c{Command::End};
  c.id = id;
  Push(std::move(c));
}

void IoLoop::Close(uint32_t id) {
  Command c{Command::Close};
  c.id = id;
  Push(std::move(c));
}

void IoLoop::SetReading(uint32_t id, bool on) {
  Command c{Command::Reading};
  c.id = id;
  c.arg = on ? 1 : 0;
  Push(std::move(c));
}

int IoLoop::Errno() const { return *Get().errno_ptr; }

void IoLoop::Run() {
  auto lastActivity = Clock::now();
  std::vector<pollfd_t> fds;
  std::vector<uint32_t> ids;
  for (;;) {
    std::vector<Command> cmds;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!stopping_ && commands_.empty() && socks_.empty()) {
        cv_.wait(lock, [this] { return stopping_ || !commands_.empty(); });
      }
      if (stopping_) break;
      cmds.swap(commands_);
    }
    bool active = !cmds.empty();
    for (auto& c : cmds) Apply(c);

    // connect timers, then what each socket waits for
    const auto now = Clock::now();
    int timeout = now - lastActivity < kIdleAfter ? kActiveTickMs : kIdleTickMs;
    fds.clear();
    ids.clear();
    std::vector<uint32_t> expired, retry;
    for (auto& [id, s] : socks_) {
      short events = 0;
      if (s.kind == Kind::Connecting) {
        if (now >= s.deadline) expired.push_back(id);
        else if (s.waitingRetry && now >= s.retryAt) retry.push_back(id);
        else if (!s.waitingRetry) events = POLLOUT_;
      } else if (s.kind == Kind::Listener) {
        events = POLLIN_;
      } else {
        if (s.reading && !s.eof && s.shared->inflight.load() < kReadInflightMax) events |= POLLIN_;
        if (!s.sendq.empty()) events |= POLLOUT_;
      }
      if (events && s.fd >= 0) {
        fds.push_back(pollfd_t{s.fd, events, 0});
        ids.push_back(id);
      }
    }
    for (uint32_t id : expired) {
      Sock& s = socks_[id];
      if (s.fd >= 0) Get().bsd_close(s.fd);
      Failure f{"ETIMEDOUT", "no connection within " + std::to_string(s.timeoutMs) + " ms", E_TIMEDOUT, "connect"};
      sink_->OnOpened(s.req, f, SocketInfo{});
      socks_.erase(id);
    }
    for (uint32_t id : retry) StartConnect(socks_[id]);
    if (!expired.empty() || !retry.empty()) active = true;

    if (fds.empty()) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(timeout), [this] { return stopping_ || !commands_.empty(); });
      if (active) lastActivity = Clock::now();
      continue;
    }
    int n = Get().bsd_poll(fds.data(), static_cast<unsigned>(fds.size()), timeout);
    if (n < 0) {
      int err = Errno();
      if (err == 4 /* EINTR */) continue;
      for (uint32_t id : ids) Fail(id, SocketFailure("poll", err));
      continue;
    }
    for (size_t i = 0; i < fds.size() && n > 0; i++) {
      if (fds[i].revents == 0) continue;
      auto it = socks_.find(ids[i]);
      if (it == socks_.end()) continue;
      Sock& s = it->second;
      const short re = fds[i].revents;
      active = true;
      if (s.kind == Kind::Connecting) {
        int soerr = 0;
        uint32_t len = sizeof(soerr);
        if (Get().bsd_getsockopt(s.fd, SOL_SOCKET_, SO_ERROR_, &soerr, &len) < 0) soerr = Errno();
        if (soerr == 0 && (re & (POLLERR_ | POLLNVAL_))) soerr = 104;  // ECONNRESET
        if (soerr == 0) Connected(ids[i], s);
        else ConnectAttemptFailed(ids[i], s, soerr);
      } else if (s.kind == Kind::Listener) {
        Accept(ids[i], s);
      } else {
        bool alive = true;
        if (re & (POLLIN_ | POLLHUP_ | POLLERR_ | POLLNVAL_)) alive = Receive(ids[i], s);
        if (alive && (re & POLLOUT_)) Flush(ids[i], s);
      }
    }
    if (active) lastActivity = Clock::now();
  }
  // stopping: close everything, fail what is pending
  for (auto& [id, s] : socks_) {
    if (s.fd >= 0) Get().bsd_close(s.fd);
    if (s.kind == Kind::Connecting) sink_->OnOpened(s.req, Failure{"ZT_STOPPED", "the ZeroTier node stopped"}, SocketInfo{});
    else sink_->OnClosed(id);
  }
  socks_.clear();
  std::vector<Command> rest;
  {
    std::lock_guard<std::mutex> lock(mu_);
    rest.swap(commands_);
  }
  for (auto& c : rest) {
    if (c.op == Command::Listen || c.op == Command::Connect) {
      sink_->OnOpened(c.req, Failure{"ZT_STOPPED", "the ZeroTier node stopped"}, SocketInfo{});
    }
  }
}

bool IoLoop::Apply(Command& c) {
  switch (c.op) {
    case Command::Listen:
      DoListen(c);
      return true;
    case Command::Connect: {
      uint32_t id = nextId_++;
      Sock& s = socks_[id];
      s.shared = std::make_shared<SocketShared>(id);
      s.kind = Kind::Connecting;
      s.req = c.req;
      std::memcpy(s.addr, c.addr, 16);
      s.port = c.port;
      s.timeoutMs = c.arg;
      s.deadline = Clock::now() + std::chrono::milliseconds(c.arg);
      StartConnect(s);
      return true;
    }
    default:
      break;
  }
  auto it = socks_.find(c.id);
  if (it == socks_.end()) return false;  // already closed: late writes are dropped
  Sock& s = it->second;
  switch (c.op) {
    case Command::Write:
      if (s.endRequested) break;
      s.sendq.push_back(std::move(c.data));
      if (s.sendq.size() == 1) Flush(c.id, s);
      break;
    case Command::End:
      s.endRequested = true;
      Flush(c.id, s);
      break;
    case Command::Close:
      Drop(c.id);
      break;
    case Command::Reading:
      s.reading = c.arg != 0;
      break;
    default:
      break;
  }
  return true;
}

void IoLoop::StartConnect(Sock& s) {
  const zt::Api& api = Get();
  s.waitingRetry = false;
  s.fd = api.bsd_socket(AF_INET6_, SOCK_STREAM_, 0);
  if (s.fd < 0) {
    int err = Errno();
    s.fd = -1;
    return ConnectAttemptFailed(s.shared->id, s, err);
  }
  api.set_blocking(s.fd, 0);
  api.set_no_delay(s.fd, 1);
  sockaddr_in6_t sa = MakeAddr(s.addr, s.port);
  if (api.bsd_connect(s.fd, &sa, sizeof(sa)) == 0) return Connected(s.shared->id, s);
  int err = Errno();
  if (err != E_INPROGRESS && err != E_AGAIN && err != 114 /* EALREADY */) ConnectAttemptFailed(s.shared->id, s, err);
}

void IoLoop::ConnectAttemptFailed(uint32_t id, Sock& s, int err) {
  if (s.fd >= 0) Get().bsd_close(s.fd);
  s.fd = -1;
  // like zts_connect: a peer not reached yet may become reachable, so try again until
  // the deadline; a refusal is an answer
  auto retryAt = Clock::now() + std::chrono::milliseconds(kConnectRetryMs);
  if (err != E_CONNREFUSED && retryAt < s.deadline) {
    s.waitingRetry = true;
    s.retryAt = retryAt;
    return;
  }
  sink_->OnOpened(s.req, SocketFailure("connect", err), SocketInfo{});
  socks_.erase(id);
}

void IoLoop::Connected(uint32_t id, Sock& s) {
  s.kind = Kind::Stream;
  SocketInfo info;
  info.shared = s.shared;
  info.localPort = LocalPort(s.fd);
  std::memcpy(info.remoteAddr, s.addr, 16);
  info.remotePort = s.port;
  sink_->OnOpened(s.req, Failure{}, info);
}

void IoLoop::DoListen(Command& c) {
  const zt::Api& api = Get();
  int fd = api.bsd_socket(AF_INET6_, SOCK_STREAM_, 0);
  if (fd < 0) return sink_->OnOpened(c.req, SocketFailure("socket", Errno()), SocketInfo{});
  sockaddr_in6_t sa = MakeAddr(c.addr, c.port);
  const char* step = "bind";
  bool ok = api.bsd_bind(fd, &sa, sizeof(sa)) == 0;
  if (ok) {
    step = "listen";
    ok = api.bsd_listen(fd, c.arg) == 0;
  }
  if (!ok) {
    Failure f = SocketFailure(step, Errno());
    api.bsd_close(fd);
    return sink_->OnOpened(c.req, f, SocketInfo{});
  }
  api.set_blocking(fd, 0);
  uint32_t id = nextId_++;
  Sock& s = socks_[id];
  s.shared = std::make_shared<SocketShared>(id);
  s.kind = Kind::Listener;
  s.fd = fd;
  SocketInfo info;
  info.shared = s.shared;
  info.localPort = LocalPort(fd);
  sink_->OnOpened(c.req, Failure{}, info);
}

void IoLoop::Accept(uint32_t listener, Sock& ls) {
  const zt::Api& api = Get();
  for (;;) {
    sockaddr_storage_t ss{};
    uint32_t len = sizeof(ss);
    int fd = api.bsd_accept(ls.fd, &ss, &len);
    if (fd < 0) return;  // EAGAIN, or an aborted handshake: the listener stays
    api.set_blocking(fd, 0);
    api.set_no_delay(fd, 1);
    uint32_t id = nextId_++;
    Sock& s = socks_[id];
    s.shared = std::make_shared<SocketShared>(id);
    s.kind = Kind::Stream;
    s.fd = fd;
    SocketInfo info;
    info.shared = s.shared;
    info.localPort = LocalPort(fd);
    const auto* sa = reinterpret_cast<const sockaddr_in6_t*>(&ss);
    if (sa->sin6_family == AF_INET6_) {
      std::memcpy(info.remoteAddr, sa->sin6_addr, 16);
      info.remotePort = ntohs(sa->sin6_port);
    }
    sink_->OnAccepted(listener, info);
  }
}

bool IoLoop::Receive(uint32_t id, Sock& s) {
  size_t total = 0;
  while (total < kReceiveBudget && s.reading && !s.eof) {
    char* buf = static_cast<char*>(std::malloc(kReadChunk));
    if (!buf) break;
    long n = Get().bsd_recv(s.fd, buf, kReadChunk, 0);
    if (n > 0) {
      total += n;
      char* data = static_cast<char*>(std::realloc(buf, n));  // shrinking never moves far
      s.shared->inflight += n;
      sink_->OnData(s.shared, data ? data : buf, n);
      if (static_cast<size_t>(n) < kReadChunk) break;  // drained for now
      continue;
    }
    std::free(buf);
    if (n == 0) {
      s.eof = true;
      sink_->OnEnd(id);
      return true;
    }
    int err = Errno();
    if (err == E_AGAIN) return true;
    Fail(id, SocketFailure("recv", err));
    return false;
  }
  return true;
}

bool IoLoop::Flush(uint32_t id, Sock& s) {
  while (!s.sendq.empty()) {
    auto& front = s.sendq.front();
    long n = Get().bsd_send(s.fd, front.data() + s.sendOff, front.size() - s.sendOff, 0);
    if (n < 0) {
      int err = Errno();
      if (err == E_AGAIN) break;
      Fail(id, SocketFailure("send", err));
      return false;
    }
    s.sendOff += n;
    s.shared->queued -= n;
    if (s.sendOff == front.size()) {
      s.sendq.pop_front();
      s.sendOff = 0;
    }
    if (n == 0) break;
  }
  if (s.shared->queued.load() < kWriteLowWater && s.shared->drainWanted.exchange(false)) sink_->OnDrain(id);
  if (s.sendq.empty() && s.endRequested && !s.shutDone) {
    s.shutDone = true;
    Get().bsd_shutdown(s.fd, SHUT_WR_);
  }
  return true;
}

void IoLoop::Fail(uint32_t id, const Failure& f) {
  sink_->OnError(id, f);
  Drop(id);
}

void IoLoop::Drop(uint32_t id) {
  auto it = socks_.find(id);
  if (it == socks_.end()) return;
  if (it->second.fd >= 0) Get().bsd_close(it->second.fd);
  socks_.erase(it);
  sink_->OnClosed(id);
}

}  // namespace zt
