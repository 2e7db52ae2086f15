// Loads libzt at run time (dlopen) and resolves the zts_* functions the addon
// uses, so that the addon builds and loads without libzt and reports a clear
// LIBZT_MISSING / LIBZT_INCOMPATIBLE error when it is asked for and absent.
#include "libzt.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

namespace zt {
namespace {

Api api{};
bool loaded = false;
std::string loadedPath;
std::mutex loadMutex;

const char* const kFix =
    "build ZeroTier's libzt (project zerotier/libzt, see docs/ZEROTIER.md) and set LIBZT_PATH to its "
    "libzt.so, or install it on the system library path";

template <typename T>
bool Resolve(void* handle, const char* name, T& slot) {
  slot = reinterpret_cast<T>(dlsym(handle, name));
  return slot != nullptr;
}

}  // namespace

const Api& Load(const std::string& requested) {
  std::lock_guard<std::mutex> lock(loadMutex);
  if (loaded) return api;
  std::string path = requested;
  if (path.empty()) {
    const char* env = std::getenv("LIBZT_PATH");
    if (env && *env) path = env;
  }
  const std::string target = path.empty() ? "libzt.so" : path;
  dlerror();
  void* handle = dlopen(target.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    throw LoadError{"LIBZT_MISSING", "cannot load libzt (" + target + "): " + (why ? why : "unknown error") +
                                         "; " + kFix};
  }
  Api a{};
  std::string missing;
  auto need = [&](bool ok, const char* name) {
    if (!ok) missing += (missing.empty() ? "" : ", ") + std::string(name);
  };
#define ZT_NEED(field, symbol) need(Resolve(handle, symbol, a.field), symbol)
  ZT_NEED(init_from_storage, "zts_init_from_storage");
  ZT_NEED(init_set_event_handler, "zts_init_set_event_handler");
  ZT_NEED(init_set_roots, "zts_init_set_roots");
  ZT_NEED(init_allow_port_mapping, "zts_init_allow_port_mapping");
  ZT_NEED(init_set_port, "zts_init_set_port");
  ZT_NEED(node_start, "zts_node_start");
  ZT_NEED(node_stop, "zts_node_stop");
  ZT_NEED(node_is_online, "zts_node_is_online");
  ZT_NEED(node_get_id, "zts_node_get_id");
  ZT_NEED(net_join, "zts_net_join");
  ZT_NEED(net_leave, "zts_net_leave");
  ZT_NEED(net_transport_is_ready, "zts_net_transport_is_ready");
  ZT_NEED(addr_is_assigned, "zts_addr_is_assigned");
  ZT_NEED(addr_get_str, "zts_addr_get_str");
  ZT_NEED(bsd_socket, "zts_bsd_socket");
  ZT_NEED(bsd_bind, "zts_bsd_bind");
  ZT_NEED(bsd_listen, "zts_bsd_listen");
  ZT_NEED(bsd_accept, "zts_bsd_accept");
  ZT_NEED(bsd_connect, "zts_bsd_connect");
  ZT_NEED(bsd_send, "zts_bsd_send");
  ZT_NEED(bsd_recv, "zts_bsd_recv");
  ZT_NEED(bsd_shutdown, "zts_bsd_shutdown");
  ZT_NEED(bsd_close, "zts_bsd_close");
  ZT_NEED(bsd_poll, "zts_bsd_poll");
  ZT_NEED(bsd_getsockopt, "zts_bsd_getsockopt");
  ZT_NEED(bsd_getsockname, "zts_bsd_getsockname");
  ZT_NEED(set_blocking, "zts_set_blocking");
  ZT_NEED(set_no_delay, "zts_set_no_delay");
  ZT_NEED(errno_ptr, "zts_errno");
#undef ZT_NEED
  if (!missing.empty()) {
    dlclose(handle);
    throw LoadError{"LIBZT_INCOMPATIBLE",
                    target + " is not a usable libzt: it lacks " + missing +
                        " (Debian's libzt1/libzt-dev are an unrelated unit-test library); " + kFix};
  }
  Resolve(handle, "zts_id_new", a.id_new);
  Resolve(handle, "zts_util_sign_root_set", a.util_sign_root_set);
  api = a;
  loaded = true;  // never dlclose'd: libzt keeps threads and global state for the whole process
  loadedPath = target;
  return api;
}

const Api& Get() { return api; }
bool Loaded() { return loaded; }
std::string LoadedPath() { return loadedPath; }

std::string ErrnoName(int err) {
  switch (err) {
    case 1: return "EPERM";
    case 4: return "EINTR";
    case 5: return "EIO";
    case 9: return "EBADF";
    case 11: return "EAGAIN";
    case 12: return "ENOMEM";
    case 13: return "EACCES";
    case 22: return "EINVAL";
    case 24: return "EMFILE";
    case 88: return "ENOTSOCK";
    case 97: return "EAFNOSUPPORT";
    case 98: return "EADDRINUSE";
    case 99: return "EADDRNOTAVAIL";
    case 100: return "ENETDOWN";
    case 101: return "ENETUNREACH";
    case 103: return "ECONNABORTED";
    case 104: return "ECONNRESET";
    case 105: return "ENOBUFS";
    case 106: return "EISCONN";
    case 107: return "ENOTCONN";
    case 110: return "ETIMEDOUT";
    case 111: return "ECONNREFUSED";
    case 113: return "EHOSTUNREACH";
    case 114: return "EALREADY";
    case 115: return "EINPROGRESS";
    default: return "E" + std::to_string(err);
  }
}

std::string EventName(int code) {
  switch (code) {
    case 200: return "NODE_UP";
    case 201: return "NODE_ONLINE";
    case 202: return "NODE_OFFLINE";
    case 203: return "NODE_DOWN";
    case 204: return "NODE_FATAL_ERROR";
    case 210: return "NETWORK_NOT_FOUND";
    case 211: return "NETWORK_CLIENT_TOO_OLD";
    case 212: return "NETWORK_REQ_CONFIG";
    case 213: return "NETWORK_OK";
    case 214: return "NETWORK_ACCESS_DENIED";
    case 215: return "NETWORK_READY_IP4";
    case 216: return "NETWORK_READY_IP6";
    case 217: return "NETWORK_READY_IP4_IP6";
    case 218: return "NETWORK_DOWN";
    case 219: return "NETWORK_UPDATE";
    case 220: return "STACK_UP";
    case 221: return "STACK_DOWN";
    case 230: return "NETIF_UP";
    case 231: return "NETIF_DOWN";
    case 232: return "NETIF_REMOVED";
    case 233: return "NETIF_LINK_UP";
    case 234: return "NETIF_LINK_DOWN";
    case 240: return "PEER_DIRECT";
    case 241: return "PEER_RELAY";
    case 242: return "PEER_UNREACHABLE";
    case 243: return "PEER_PATH_DISCOVERED";
    case 244: return "PEER_PATH_DEAD";
    case 250: return "ROUTE_ADDED";
    case 251: return "ROUTE_REMOVED";
    case 260: return "ADDR_ADDED_IP4";
    case 261: return "ADDR_REMOVED_IP4";
    case 262: return "ADDR_ADDED_IP6";
    case 263: return "ADDR_REMOVED_IP6";
    case 270: return "STORE_IDENTITY_SECRET";
    case 271: return "STORE_IDENTITY_PUBLIC";
    case 272: return "STORE_PLANET";
    case 273: return "STORE_PEER";
    case 274: return "STORE_NETWORK";
    default: return "EVENT_" + std::to_string(code);
  }
}

}  // namespace zt
