// One I/O thread per node: every zts_* socket call happens here, on non-blocking
// sockets polled with zts_bsd_poll (libuv cannot watch lwIP descriptors, and
// zts_errno is a plain global, so a single caller also keeps errno exact).
// JS-thread methods only queue commands; results leave through an IoSink.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "errors.h"

namespace zt {

// Flow-control counters shared by a socket's JS wrapper and the I/O thread.
struct SocketShared {
  explicit SocketShared(uint32_t id) : id(id) {}
  const uint32_t id;
  std::atomic<size_t> queued{0};     // written by JS, not yet accepted by zts_bsd_send
  std::atomic<bool> drainWanted{false};
  std::atomic<size_t> inflight{0};   // received, posted to JS, not yet delivered
};

struct SocketInfo {
  std::shared_ptr<SocketShared> shared;
  int localPort = 0;
  uint8_t remoteAddr[16] = {0};
  int remotePort = 0;
};

// Called on the I/O thread; an implementation posts to the JS thread.
class IoSink {
 public:
  virtual ~IoSink() = default;
  virtual void OnOpened(uint64_t req, const Failure& f, const SocketInfo& info) = 0;  // listen/connect
  virtual void OnAccepted(uint32_t listener, const SocketInfo& info) = 0;
  virtual void OnData(const std::shared_ptr<SocketShared>& s, char* data, size_t len) = 0;  // takes malloc'd data
  virtual void OnEnd(uint32_t id) = 0;
  virtual void OnError(uint32_t id, const Failure& f) = 0;
  virtual void OnDrain(uint32_t id) = 0;
  virtual void OnClosed(uint32_t id) = 0;
};

class IoLoop {
 public:
  static constexpr size_t kWriteHighWater = 1 << 20;  // write() above this: wait for a drain
  static constexpr size_t kWriteLowWater = 256 << 10; // drain once below this
  static constexpr size_t kReadChunk = 64 << 10;
  static constexpr size_t kReadInflightMax = 2 << 20; // stop reading while JS has not taken this much
  static constexpr int kConnectRetryMs = 250;

  explicit IoLoop(IoSink* sink);
  ~IoLoop();
  void Start();
  // Closes every socket, fails pending requests (ZT_STOPPED) and joins the thread.
  void Stop();

  // JS thread.
  void Listen(uint64_t req, const uint8_t addr[16], int port, int backlog);
  void Connect(uint64_t req, const uint8_t addr[16], int port, int timeoutMs);
  size_t Write(const std::shared_ptr<SocketShared>& s, const char* data, size_t len);
  void End(uint32_t id);
  void Close(uint32_t id);
  void SetReading(uint32_t id, bool on);

 private:
  using Clock = std::chrono::steady_clock;
  enum class Kind { Listener, Connecting, Stream };
  struct Command {
    enum Op { Listen, Connect, Write, End, Close, Reading } op;
    uint64_t req = 0;
    uint32_t id = 0;
    uint8_t addr[16] = {0};
    int port = 0;
    int arg = 0;  // backlog, timeout or on/off
    std::vector<char> data;
  };
  struct Sock {
    std::shared_ptr<SocketShared> shared;
    Kind kind = Kind::Stream;
    int fd = -1;
    bool reading = false, eof = false, endRequested = false, shutDone = false;
    std::deque<std::vector<char>> sendq;
    size_t sendOff = 0;
    // while connecting
    uint64_t req = 0;
    uint8_t addr[16] = {0};
    int port = 0;
    int timeoutMs = 0;
    Clock::time_point deadline, retryAt;
    bool waitingRetry = false;
  };

  void Run();
  void Push(Command&& c);
  bool Apply(Command& c);
  void StartConnect(Sock& s);
  void ConnectAttemptFailed(uint32_t id, Sock& s, int err);
  void Connected(uint32_t id, Sock& s);
  void DoListen(Command& c);
  void Accept(uint32_t id, Sock& s);
  bool Receive(uint32_t id, Sock& s);
  bool Flush(uint32_t id, Sock& s);
  void Fail(uint32_t id, const Failure& f);
  void Drop(uint32_t id);
  int Errno() const;

  IoSink* sink_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Command> commands_;
  bool stopping_ = false;
  std::atomic<uint32_t> nextId_{1};
  std::unordered_map<uint32_t, Sock> socks_;  // I/O thread only
};

}  // namespace zt
