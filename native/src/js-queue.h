// The one place where native threads (libzt's event thread, the I/O thread, the
// async workers) hand work to JavaScript: a queue of closures drained on the JS
// thread in batches through one thread-safe function (one call per batch).
#pragma once

#include <napi.h>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace zt {

class JsQueue : public std::enable_shared_from_this<JsQueue> {
 public:
  using Task = std::function<void(Napi::Env)>;

  // JS thread. The queue keeps the event loop alive until Unref() or Close().
  static std::shared_ptr<JsQueue> Create(Napi::Env env, const char* name);

  // Any thread. Runs `task` later on the JS thread, in posting order; false (task
  // dropped) once the queue is closed.
  bool Post(Task task);

  // JS thread. Tasks already posted still run; later posts are refused.
  void Close();
  void Ref();
  void Unref();

 private:
  static void Drain(Napi::Env env, Napi::Function, JsQueue* self, void*);
  using Tsfn = Napi::TypedThreadSafeFunction<JsQueue, void, &JsQueue::Drain>;
  JsQueue() = default;

  std::mutex mu_;
  std::vector<Task> tasks_;
  bool scheduled_ = false;
  bool closed_ = false;
  Tsfn tsfn_;
  napi_env env_ = nullptr;
  std::shared_ptr<JsQueue> self_;  // alive until the thread-safe function is finalized
};

}  // namespace zt
