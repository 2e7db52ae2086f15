// The part of libzt's C API (include/ZeroTierSockets.h) this addon uses, declared
// here from its documented ABI so that building needs no libzt headers, and a
// table of function pointers filled by dlopen/dlsym at run time (libzt.cc).
// Struct layouts are lwIP's BSD-style ones (a length byte before the family).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace zt {

// Return values of zts_* calls (zts_error_t).
constexpr int ERR_OK = 0;
constexpr int ERR_SOCKET = -1;  // see zts_errno
constexpr int ERR_SERVICE = -2;
constexpr int ERR_ARG = -3;
constexpr int ERR_NO_RESULT = -4;
constexpr int ERR_GENERAL = -5;

// Event codes (zts_event_t) that the addon names; others pass through as numbers.
constexpr int EVENT_NODE_UP = 200;
constexpr int EVENT_NODE_ONLINE = 201;
constexpr int EVENT_NODE_OFFLINE = 202;
constexpr int EVENT_NODE_DOWN = 203;
constexpr int EVENT_NODE_FATAL_ERROR = 204;

constexpr int AF_INET4 = 0x02;
constexpr int AF_INET6_ = 0x0a;
constexpr int SOCK_STREAM_ = 0x01;
constexpr int SOL_SOCKET_ = 0x0fff;
constexpr int SO_ERROR_ = 0x1007;
constexpr int SHUT_WR_ = 0x1;

constexpr short POLLIN_ = 0x001;
constexpr short POLLOUT_ = 0x002;
constexpr short POLLERR_ = 0x004;
constexpr short POLLNVAL_ = 0x008;
constexpr short POLLHUP_ = 0x200;

// zts_errno values: lwIP uses Linux's numbers.
constexpr int E_AGAIN = 11;
constexpr int E_INPROGRESS = 115;
constexpr int E_CONNREFUSED = 111;
constexpr int E_TIMEDOUT = 110;

constexpr unsigned IP_MAX_STR_LEN = 46;
constexpr unsigned ID_STR_BUF_LEN = 384;
constexpr int MAX_NUM_ROOTS = 16;
constexpr int MAX_ENDPOINTS_PER_ROOT = 32;

struct sockaddr_in6_t {
  uint8_t sin6_len;
  uint8_t sin6_family;
  uint16_t sin6_port;  // network byte order
  uint32_t sin6_flowinfo;
  uint8_t sin6_addr[16];
  uint32_t sin6_scope_id;
};

struct sockaddr_storage_t {
  uint8_t s2_len;
  uint8_t ss_family;
  char s2_data1[2];
  uint32_t s2_data2[3];
  uint32_t s2_data3[3];
};

struct pollfd_t {
  int fd;
  short events;
  short revents;
};

// Leading fields only: the addon reads nothing past them.
struct node_info_t {
  uint64_t node_id;
  uint16_t port_primary;
};
struct net_info_t {
  uint64_t net_id;
  uint64_t mac;
  char name[128];
  int status;
};
struct peer_info_t {
  uint64_t peer_id;
  int ver_major, ver_minor, ver_rev, latency;
  int role;
};
struct addr_info_t {
  uint64_t net_id;
  sockaddr_storage_t addr;
};
struct event_msg_t {
  int16_t event_code;
  node_info_t* node;
  net_info_t* network;
  void* netif;
  void* route;
  peer_info_t* peer;
  addr_info_t* addr;
  void* cache;
  int len;
};
struct root_set_t {
  char* public_id_str[MAX_NUM_ROOTS];
  char* endpoint_ip_str[MAX_NUM_ROOTS][MAX_ENDPOINTS_PER_ROOT];
};

// One pointer per zts_* function the addon calls.
struct Api {
  int (*init_from_storage)(const char* path);
  int (*init_set_event_handler)(void (*callback)(void*));
  int (*init_set_roots)(const void* data, unsigned len);
  int (*init_allow_port_mapping)(unsigned allowed);
  int (*init_set_port)(unsigned short port);
  int (*node_start)();
  int (*node_stop)();
  int (*node_is_online)();
  uint64_t (*node_get_id)();
  int (*net_join)(uint64_t net_id);
  int (*net_leave)(uint64_t net_id);
  int (*net_transport_is_ready)(uint64_t net_id);
  int (*addr_is_assigned)(uint64_t net_id, unsigned family);
  int (*addr_get_str)(uint64_t net_id, unsigned family, char* dst, unsigned len);
  int (*bsd_socket)(int family, int type, int protocol);
  int (*bsd_bind)(int fd, const void* addr, uint32_t addrlen);
  int (*bsd_listen)(int fd, int backlog);
  int (*bsd_accept)(int fd, void* addr, uint32_t* addrlen);
  int (*bsd_connect)(int fd, const void* addr, uint32_t addrlen);
  long (*bsd_send)(int fd, const void* buf, size_t len, int flags);
  long (*bsd_recv)(int fd, void* buf, size_t len, int flags);
  int (*bsd_shutdown)(int fd, int how);
  int (*bsd_close)(int fd);
  int (*bsd_poll)(pollfd_t* fds, unsigned nfds, int timeout);
  int (*bsd_getsockopt)(int fd, int level, int optname, void* optval, uint32_t* optlen);
  int (*bsd_getsockname)(int fd, void* addr, uint32_t* addrlen);
  int (*set_blocking)(int fd, int enabled);
  int (*set_no_delay)(int fd, int enabled);
  int* errno_ptr;  // zts_errno, a plain global in libzt
  // Optional: only for making a private root set (roots.cc); null when absent.
  int (*id_new)(char* key, unsigned* len);
  int (*util_sign_root_set)(char* out, unsigned* out_len, char* prev_key, unsigned* prev_len, char* cur_key,
                            unsigned* cur_len, uint64_t id, uint64_t ts, root_set_t* spec);
};

// Loads libzt once per process: `path` if not empty, else LIBZT_PATH, else the
// system library path. Throws LoadError on failure.
struct LoadError {
  std::string code;  // LIBZT_MISSING or LIBZT_INCOMPATIBLE
  std::string message;
};
const Api& Load(const std::string& path);
// The loaded table; only valid after Load succeeded.
const Api& Get();
bool Loaded();
std::string LoadedPath();

// "ECONNREFUSED" for 111, "E123" for an unknown number.
std::string ErrnoName(int err);
// "NODE_ONLINE" for 201, "EVENT_123" for an unknown code.
std::string EventName(int code);

}  // namespace zt
