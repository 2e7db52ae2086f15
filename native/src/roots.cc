// See roots.h.
#include "roots.h"

#include <chrono>
#include <string>
#include <vector>

#include "errors.h"
#include "libzt.h"

namespace zt {
namespace {

const Api& Loaded(Napi::Env env, bool needRoots) {
  const Api* api;
  try {
    api = &Load("");
  } catch (const LoadError& e) {
    throw MakeError(env, e.code, e.message);
  }
  if (!api->id_new || (needRoots && !api->util_sign_root_set)) {
    throw MakeError(env, "LIBZT_INCOMPATIBLE", "this libzt lacks zts_id_new / zts_util_sign_root_set");
  }
  return *api;
}

}  // namespace

Napi::Value NewIdentity(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Api& api = Loaded(env, false);
  std::vector<char> key(ID_STR_BUF_LEN, 0);
  unsigned len = ID_STR_BUF_LEN;
  int ret = api.id_new(key.data(), &len);
  if (ret != ERR_OK) throw MakeError(env, ControlFailure("zts_id_new", ret));
  return Napi::String::New(env, std::string(key.data(), strnlen(key.data(), len)));
}

Napi::Value SignRoots(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Api& api = Loaded(env, true);
  if (info.Length() < 1 || !info[0].IsArray()) throw MakeError(env, "ERR_INVALID_ARG_TYPE", "signRoots() takes an array of roots");
  Napi::Array list = info[0].As<Napi::Array>();
  if (list.Length() < 1 || list.Length() > MAX_NUM_ROOTS) throw MakeError(env, "ERR_OUT_OF_RANGE", "1 to 16 roots");
  root_set_t spec{};
  std::vector<std::string> strings;  // owns what spec points to
  strings.reserve(MAX_NUM_ROOTS * (MAX_ENDPOINTS_PER_ROOT + 1));
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Object r = list.Get(i).As<Napi::Object>();
    strings.push_back(r.Get("identity").ToString().Utf8Value());
    spec.public_id_str[i] = strings.back().data();
    Napi::Array eps = r.Get("endpoints").As<Napi::Array>();
    if (!eps.IsArray() || eps.Length() < 1 || eps.Length() > MAX_ENDPOINTS_PER_ROOT) {
      throw MakeError(env, "ERR_OUT_OF_RANGE", "each root has 1 to 32 endpoints");
    }
    for (uint32_t j = 0; j < eps.Length(); j++) {
      strings.push_back(eps.Get(j).ToString().Utf8Value());
      spec.endpoint_ip_str[i][j] = strings.back().data();
    }
  }
  uint64_t worldId = info.Length() > 1 && info[1].IsNumber() ? static_cast<uint64_t>(info[1].As<Napi::Number>().Int64Value()) : 149604618;
  uint64_t ts = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  std::vector<char> out(1 << 16, 0), prev(1 << 12, 0), cur(1 << 12, 0);
  unsigned outLen = 0, prevLen = 0, curLen = 0;
  int ret = api.util_sign_root_set(out.data(), &outLen, prev.data(), &prevLen, cur.data(), &curLen, worldId, ts, &spec);
  if (ret != ERR_OK) throw MakeError(env, ControlFailure("zts_util_sign_root_set", ret));
  if (outLen == 0 || outLen > out.size()) throw MakeError(env, "LIBZT_GENERAL", "zts_util_sign_root_set gave no roots definition");
  return Napi::Buffer<char>::Copy(env, out.data(), outLen);
}

}  // namespace zt
