// See errors.h.
#include "errors.h"

#include "libzt.h"

namespace zt {

Napi::Error MakeError(Napi::Env env, const Failure& f) {
  Napi::Error err = Napi::Error::New(env, f.message);
  err.Set("code", Napi::String::New(env, f.code));
  if (f.errnum != 0) err.Set("errno", Napi::Number::New(env, f.errnum));
  if (!f.syscall.empty()) err.Set("syscall", Napi::String::New(env, f.syscall));
  return err;
}

Napi::Error MakeError(Napi::Env env, const std::string& code, const std::string& message) {
  return MakeError(env, Failure{code, message});
}

Failure SocketFailure(const char* syscall, int errnum) {
  std::string name = ErrnoName(errnum);
  return Failure{name, std::string("zts_bsd_") + syscall + " failed: " + name, errnum, syscall};
}

Failure ControlFailure(const char* call, int ret) {
  std::string code = ret == ERR_SERVICE ? "LIBZT_SERVICE"
                     : ret == ERR_ARG   ? "LIBZT_ARG"
                     : ret == ERR_NO_RESULT ? "LIBZT_NO_RESULT"
                                            : "LIBZT_GENERAL";
  return Failure{code, std::string(call) + " failed (" + std::to_string(ret) + ", " + code + ")"};
}

}  // namespace zt
