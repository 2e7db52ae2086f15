// See js-queue.h.
#include "js-queue.h"

namespace zt {

std::shared_ptr<JsQueue> JsQueue::Create(Napi::Env env, const char* name) {
  std::shared_ptr<JsQueue> q(new JsQueue());
  q->self_ = q;
  q->env_ = env;
  q->tsfn_ = Tsfn::New(env, name, 0, 1, q.get(), [](Napi::Env, void*, JsQueue* self) { self->self_.reset(); });
  return q;
}

bool JsQueue::Post(Task task) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return false;
  tasks_.push_back(std::move(task));
  if (!scheduled_) {
    scheduled_ = true;
    tsfn_.NonBlockingCall();
  }
  return true;
}

void JsQueue::Drain(Napi::Env env, Napi::Function, JsQueue* self, void*) {
  if (env == nullptr) return;  // the environment is going away
  std::vector<Task> batch;
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    batch.swap(self->tasks_);
    self->scheduled_ = false;
  }
  for (auto& task : batch) {
    Napi::HandleScope scope(env);
    try {
      task(env);
    } catch (const Napi::Error& err) {
      // a throwing JS callback must not drop the rest of the batch: report it as uncaught
      napi_fatal_exception(env, err.Value());
    }
  }
}

void JsQueue::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  closed_ = true;
  tsfn_.Release();
}

void JsQueue::Ref() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!closed_) tsfn_.Ref(env_);
}

void JsQueue::Unref() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!closed_) tsfn_.Unref(env_);
}

}  // namespace zt
