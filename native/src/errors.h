// Errors that reach JavaScript with a stable `code` (LIBZT_MISSING, ZT_TIMEOUT,
// ECONNREFUSED, ...), and for socket calls the `errno` number and the `syscall`.
#pragma once

#include <napi.h>

#include <string>

namespace zt {

// A failure found off the JS thread, turned into a JS Error later.
struct Failure {
  std::string code;
  std::string message;
  int errnum = 0;           // zts_errno, for socket calls
  std::string syscall;      // "connect", "bind", ...
  bool ok() const { return code.empty(); }
};

Napi::Error MakeError(Napi::Env env, const Failure& f);
Napi::Error MakeError(Napi::Env env, const std::string& code, const std::string& message);

// A failed zts_* socket call: code from zts_errno ("ECONNREFUSED").
Failure SocketFailure(const char* syscall, int errnum);
// A failed zts_* control call by its return value: LIBZT_SERVICE, LIBZT_ARG, ...
Failure ControlFailure(const char* call, int ret);

}  // namespace zt
