// The ByteFall ZeroTier addon: Node and Socket wrappers over libzt, which is
// loaded at run time. Exports: loadLibrary(path?), libraryPath(), Node, Socket,
// newIdentity(), signRoots(). The TS facade is src/net/zt/.
#include <napi.h>

#include "errors.h"
#include "libzt.h"
#include "node.h"
#include "roots.h"
#include "socket.h"

namespace {

// loadLibrary(path?) -> the path it loaded; throws LIBZT_MISSING / LIBZT_INCOMPATIBLE
Napi::Value LoadLibrary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  try {
    zt::Load(path);
  } catch (const zt::LoadError& e) {
    throw zt::MakeError(env, e.code, e.message);
  }
  return Napi::String::New(env, zt::LoadedPath());
}

Napi::Value LibraryPath(const Napi::CallbackInfo& info) {
  return zt::Loaded() ? Napi::Value(Napi::String::New(info.Env(), zt::LoadedPath())) : info.Env().Null();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("loadLibrary", Napi::Function::New<LoadLibrary>(env, "loadLibrary"));
  exports.Set("libraryPath", Napi::Function::New<LibraryPath>(env, "libraryPath"));
  exports.Set("newIdentity", Napi::Function::New<zt::NewIdentity>(env, "newIdentity"));
  exports.Set("signRoots", Napi::Function::New<zt::SignRoots>(env, "signRoots"));
  zt::Node::Init(env, exports);
  zt::Socket::Init(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(bytefall_zt, Init)
