/*
 * A stand-in for ZeroTier's libzt, for ByteFall's tests only: the zts_* subset the
 * addon uses (native/src/libzt.h), with libzt's ABI, over the kernel's TCP sockets
 * on 127.0.0.1. Our own code; the tests build it with
 *   gcc -shared -fPIC -O2 -o libzt-stub.so stub-libzt.c -lpthread
 * and load it as LIBZT_PATH.
 *
 * How it fakes a ZeroTier network:
 * - The node id (40 bits) is random on first start and kept in <home>/stub-identity,
 *   so the identity persists like libzt's identity.secret.
 * - Events come from a thread of the stub: NODE_UP, then NODE_ONLINE after
 *   ZTS_STUB_ONLINE_DELAY_MS (default 30; never when ZTS_STUB_OFFLINE=1); zts_net_join
 *   gives NETWORK_REQ_CONFIG, then NETWORK_OK, NETWORK_READY_IP6 and ADDR_ADDED_IP6
 *   after ZTS_STUB_READY_DELAY_MS (default 30).
 * - Addresses are ZeroTier's: 6PLANE on ad hoc networks (id starting ff), RFC4193 on
 *   others. Connections are made to 127.0.0.1 through a registry directory shared by
 *   every stub node of a test (ZTS_STUB_DIR, default /tmp/zts-stub):
 *     node-<id>             the node is online
 *     port-<id>-<ztport>    the kernel port of a bound ZeroTier port
 *     src-<kernel port>     the node id of a connecting socket, for accept()
 *   Connecting to a node that is not online never completes (as an unreachable peer);
 *   to an online node's unbound port is refused at once.
 * - <home>/stub-roots receives the bytes given to zts_init_set_roots.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ZTS_ERR_OK 0
#define ZTS_ERR_SOCKET -1
#define ZTS_ERR_SERVICE -2
#define ZTS_ERR_ARG -3
#define ZTS_AF_INET6 0x0a
#define ZTS_SOCK_STREAM 0x01
#define ZTS_POLLIN 0x001
#define ZTS_POLLOUT 0x002
#define ZTS_POLLERR 0x004
#define ZTS_POLLNVAL 0x008
#define ZTS_SOL_SOCKET 0x0fff
#define ZTS_SO_ERROR 0x1007
#define ZTS_IP_MAX_STR_LEN 46
#define MAX_FD 65536

/* libzt's structures, leading fields as in ZeroTierSockets.h */
struct zts_sockaddr_in6 {
  uint8_t sin6_len, sin6_family;
  uint16_t sin6_port;
  uint32_t sin6_flowinfo;
  uint8_t sin6_addr[16];
  uint32_t sin6_scope_id;
};
struct zts_pollfd {
  int fd;
  short events, revents;
};
typedef struct { uint64_t node_id; uint16_t port_primary, port_secondary, port_tertiary; uint8_t ver_major, ver_minor, ver_rev; } node_info_t;
typedef struct { uint64_t net_id; uint64_t mac; char name[128]; int status; int type; unsigned mtu; } net_info_t;
typedef struct { uint64_t net_id; struct { uint8_t len, family; char d1[2]; uint32_t d2[3], d3[3]; } addr; } addr_info_t;
typedef struct {
  int16_t event_code;
  node_info_t* node;
  net_info_t* network;
  void *netif, *route, *peer;
  addr_info_t* addr;
  void* cache;
  int len;
} event_msg_t;
typedef struct { char* public_id_str[16]; char* endpoint_ip_str[16][32]; } zts_root_set_t;

int zts_errno = 0;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static void (*handler)(void*) = NULL;
static char home[4096] = "";
static int running = 0, online = 0, ready = 0, stopping = 0;
static uint64_t node_id = 0, net_id = 0;
static pthread_t events_thread;
static long join_at_ms = -1;  /* when the joined network becomes ready */
static int join_pending = 0;

static struct { int used, blackhole, listener; uint16_t ztport; } fds[MAX_FD];

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}
static long env_ms(const char* name, long dflt) {
  const char* v = getenv(name);
  return v && *v ? atol(v) : dflt;
}
static const char* registry(void) {
  const char* d = getenv("ZTS_STUB_DIR");
  return d && *d ? d : "/tmp/zts-stub";
}
static void reg_path(char* out, size_t n, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
static void reg_path(char* out, size_t n, const char* fmt, ...) {
  char name[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(name, sizeof name, fmt, ap);
  va_end(ap);
  snprintf(out, n, "%s/%s", registry(), name);
}
static int write_file(const char* path, const void* data, size_t len) {
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp%d", path, (int)getpid());
  FILE* f = fopen(tmp, "wb");
  if (!f) return -1;
  fwrite(data, 1, len, f);
  fclose(f);
  return rename(tmp, path);
}
static int read_text(const char* path, char* out, size_t n) {
  FILE* f = fopen(path, "rb");
  if (!f) return -1;
  size_t r = fread(out, 1, n - 1, f);
  fclose(f);
  out[r] = 0;
  return 0;
}

/* ZeroTier's addressing: RFC4193 fd<nwid 8>9993<node 5>, 6PLANE fc<nwid^nwid>>32 4><node 5>0..01 */
static void zt_addr(uint64_t nwid, uint64_t node, uint8_t a[16]) {
  memset(a, 0, 16);
  if ((nwid >> 56) == 0xff) {
    uint64_t x = nwid ^ (nwid >> 32);
    a[0] = 0xfc;
    for (int i = 0; i < 4; i++) a[1 + i] = (uint8_t)(x >> (24 - 8 * i));
    for (int i = 0; i < 5; i++) a[5 + i] = (uint8_t)(node >> (32 - 8 * i));
    a[15] = 0x01;
  } else {
    a[0] = 0xfd;
    for (int i = 0; i < 8; i++) a[1 + i] = (uint8_t)(nwid >> (56 - 8 * i));
    a[9] = 0x99;
    a[10] = 0x93;
    for (int i = 0; i < 5; i++) a[11 + i] = (uint8_t)(node >> (32 - 8 * i));
  }
}
static uint64_t node_of(const uint8_t a[16]) {
  int at = a[0] == 0xfc ? 5 : a[0] == 0xfd ? 11 : -1;
  if (at < 0) return 0;
  uint64_t n = 0;
  for (int i = 0; i < 5; i++) n = (n << 8) | a[at + i];
  return n;
}

static void emit(int code, uint64_t nwid) {
  void (*cb)(void*) = handler;
  if (!cb) return;
  node_info_t node = {node_id, 9993, 0, 0, 1, 10, 6};
  net_info_t net;
  memset(&net, 0, sizeof net);
  net.net_id = nwid;
  net.status = 1; /* OK */
  net.mtu = 2800;
  addr_info_t addr;
  memset(&addr, 0, sizeof addr);
  event_msg_t msg;
  memset(&msg, 0, sizeof msg);
  msg.event_code = (int16_t)code;
  if (code >= 200 && code < 210) msg.node = &node;
  if (code >= 210 && code < 220) msg.network = &net;
  if (code == 262) {
    struct zts_sockaddr_in6* sa = (struct zts_sockaddr_in6*)&addr.addr;
    addr.net_id = nwid;
    sa->sin6_len = sizeof *sa;
    sa->sin6_family = ZTS_AF_INET6;
    zt_addr(nwid, node_id, sa->sin6_addr);
    msg.addr = &addr;
  }
  cb(&msg);
}

static void* events_main(void* arg) {
  (void)arg;
  emit(200, 0); /* NODE_UP */
  long online_at = getenv("ZTS_STUB_OFFLINE") && atoi(getenv("ZTS_STUB_OFFLINE")) ? -1 : now_ms() + env_ms("ZTS_STUB_ONLINE_DELAY_MS", 30);
  pthread_mutex_lock(&mu);
  while (!stopping) {
    long t = now_ms();
    if (online_at >= 0 && t >= online_at && !online) {
      online = 1;
      char p[4300], id[16];
      reg_path(p, sizeof p, "node-%010llx", (unsigned long long)node_id);
      snprintf(id, sizeof id, "%010llx", (unsigned long long)node_id);
      write_file(p, id, strlen(id));
      pthread_mutex_unlock(&mu);
      emit(201, 0); /* NODE_ONLINE */
      pthread_mutex_lock(&mu);
      continue;
    }
    if (join_pending && online && t >= join_at_ms) {
      join_pending = 0;
      ready = 1;
      uint64_t nwid = net_id;
      pthread_mutex_unlock(&mu);
      emit(213, nwid); /* NETWORK_OK */
      emit(216, nwid); /* NETWORK_READY_IP6 */
      emit(262, nwid); /* ADDR_ADDED_IP6 */
      pthread_mutex_lock(&mu);
      continue;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 5 * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&cv, &mu, &ts);
  }
  pthread_mutex_unlock(&mu);
  emit(203, 0); /* NODE_DOWN */
  return NULL;
}

/* ---- control ---- */

int zts_init_from_storage(const char* path) {
  if (!path || !*path || strlen(path) >= sizeof home) return ZTS_ERR_ARG;
  if (running) return ZTS_ERR_SERVICE;
  mkdir(path, 0700);
  snprintf(home, sizeof home, "%s", path);
  return ZTS_ERR_OK;
}
int zts_init_set_event_handler(void (*cb)(void*)) {
  if (running) return ZTS_ERR_SERVICE;
  handler = cb;
  return ZTS_ERR_OK;
}
int zts_init_set_roots(const void* data, unsigned len) {
  if (!data || len == 0) return ZTS_ERR_ARG;
  if (running) return ZTS_ERR_SERVICE;
  if (*home) {
    char p[4200];
    snprintf(p, sizeof p, "%s/stub-roots", home);
    write_file(p, data, len);
  }
  return ZTS_ERR_OK;
}
int zts_init_allow_port_mapping(unsigned allowed) { (void)allowed; return running ? ZTS_ERR_SERVICE : ZTS_ERR_OK; }
int zts_init_set_port(unsigned short port) { (void)port; return running ? ZTS_ERR_SERVICE : ZTS_ERR_OK; }

static uint64_t random_id(void) {
  uint64_t v = 0;
  FILE* f = fopen("/dev/urandom", "rb");
  if (f) {
    if (fread(&v, sizeof v, 1, f) != 1) v = 0;
    fclose(f);
  }
  v ^= (uint64_t)now_ms() * 2654435761u ^ (uint64_t)getpid();
  v &= 0xffffffffffULL;
  if ((v >> 32) == 0xff || v == 0) v = 0x1234500000ULL | (v & 0xfffff);  /* ff.. ids are reserved */
  return v;
}

int zts_node_start(void) {
  pthread_mutex_lock(&mu);
  if (running) {
    pthread_mutex_unlock(&mu);
    return ZTS_ERR_SERVICE;
  }
  mkdir(registry(), 0777);
  node_id = 0;
  if (*home) {
    char p[4200], text[64];
    snprintf(p, sizeof p, "%s/stub-identity", home);
    if (read_text(p, text, sizeof text) == 0) node_id = strtoull(text, NULL, 16);
    if (!node_id) {
      node_id = random_id();
      snprintf(text, sizeof text, "%010llx", (unsigned long long)node_id);
      write_file(p, text, strlen(text));
    }
  } else {
    node_id = random_id();
  }
  running = 1;
  online = ready = stopping = join_pending = 0;
  net_id = 0;
  pthread_mutex_unlock(&mu);
  pthread_create(&events_thread, NULL, events_main, NULL);
  return ZTS_ERR_OK;
}
int zts_node_stop(void) {
  pthread_mutex_lock(&mu);
  if (!running) {
    pthread_mutex_unlock(&mu);
    return ZTS_ERR_SERVICE;
  }
  stopping = 1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  pthread_join(events_thread, NULL);
  char p[4300];
  reg_path(p, sizeof p, "node-%010llx", (unsigned long long)node_id);
  unlink(p);
  pthread_mutex_lock(&mu);
  running = online = ready = 0;
  pthread_mutex_unlock(&mu);
  return ZTS_ERR_OK;
}
int zts_node_is_online(void) { return online; }
uint64_t zts_node_get_id(void) { return running ? node_id : 0; }
int zts_net_join(uint64_t nwid) {
  if (!running) return ZTS_ERR_SERVICE;
  if (nwid == 0) return ZTS_ERR_ARG;
  pthread_mutex_lock(&mu);
  net_id = nwid;
  ready = 0;
  join_pending = 1;
  join_at_ms = now_ms() + env_ms("ZTS_STUB_READY_DELAY_MS", 30);
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  emit(212, nwid); /* NETWORK_REQ_CONFIG */
  return ZTS_ERR_OK;
}
int zts_net_leave(uint64_t nwid) {
  if (!running) return ZTS_ERR_SERVICE;
  pthread_mutex_lock(&mu);
  if (nwid == net_id) {
    net_id = 0;
    ready = join_pending = 0;
  }
  pthread_mutex_unlock(&mu);
  return ZTS_ERR_OK;
}
int zts_net_transport_is_ready(uint64_t nwid) { return running && ready && nwid == net_id; }
int zts_addr_is_assigned(uint64_t nwid, unsigned family) { return family == ZTS_AF_INET6 && zts_net_transport_is_ready(nwid); }
int zts_addr_get_str(uint64_t nwid, unsigned family, char* dst, unsigned len) {
  if (!dst || len != ZTS_IP_MAX_STR_LEN || family != ZTS_AF_INET6) return ZTS_ERR_ARG;
  if (!zts_net_transport_is_ready(nwid)) return ZTS_ERR_SERVICE;
  uint8_t a[16];
  zt_addr(nwid, node_id, a);
  inet_ntop(AF_INET6, a, dst, len);
  return ZTS_ERR_OK;
}
int zts_id_new(char* key, unsigned* len) {
  if (!key || !len) return ZTS_ERR_ARG;
  int n = snprintf(key, 384, "%010llx:0:%064llx:%064llx", (unsigned long long)random_id(), 0x5eedULL, 0x5ec7ULL);
  *len = (unsigned)n;
  return ZTS_ERR_OK;
}
int zts_util_sign_root_set(char* out, unsigned* out_len, char* prev, unsigned* prev_len, char* cur, unsigned* cur_len,
                           uint64_t id, uint64_t ts, zts_root_set_t* spec) {
  (void)prev; (void)cur; (void)ts;
  if (!out || !out_len || !spec || !spec->public_id_str[0]) return ZTS_ERR_ARG;
  int n = sprintf(out, "STUB-ROOTS %llu\n", (unsigned long long)id);
  for (int i = 0; i < 16 && spec->public_id_str[i]; i++) {
    n += sprintf(out + n, "%s", spec->public_id_str[i]);
    for (int j = 0; j < 32 && spec->endpoint_ip_str[i][j]; j++) n += sprintf(out + n, " %s", spec->endpoint_ip_str[i][j]);
    n += sprintf(out + n, "\n");
  }
  *out_len = (unsigned)n;
  if (prev_len) *prev_len = 0;
  if (cur_len) *cur_len = 0;
  return ZTS_ERR_OK;
}

/* ---- sockets ---- */

#define FAIL(e) do { zts_errno = (e); return ZTS_ERR_SOCKET; } while (0)
#define CHECK_FD(fd) do { if (!running) return ZTS_ERR_SERVICE; if ((fd) < 0 || (fd) >= MAX_FD || !fds[fd].used) FAIL(EBADF); } while (0)

static int kernel_port(int fd) {
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  if (getsockname(fd, (struct sockaddr*)&sa, &len) < 0) return 0;
  return ntohs(sa.sin_port);
}
static int bind_loopback(int fd) {
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return bind(fd, (struct sockaddr*)&sa, sizeof sa);
}

int zts_bsd_socket(int family, int type, int protocol) {
  (void)protocol;
  if (!running) return ZTS_ERR_SERVICE;
  if (family != ZTS_AF_INET6) FAIL(EAFNOSUPPORT);
  if (type != ZTS_SOCK_STREAM) FAIL(ESOCKTNOSUPPORT);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) FAIL(errno);
  if (fd >= MAX_FD) {
    close(fd);
    FAIL(EMFILE);
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  memset(&fds[fd], 0, sizeof fds[fd]);
  fds[fd].used = 1;
  zts_errno = 0;
  return fd;
}

int zts_bsd_bind(int fd, const void* addr, uint32_t len) {
  CHECK_FD(fd);
  const struct zts_sockaddr_in6* sa = addr;
  if (!sa || len < sizeof *sa || sa->sin6_family != ZTS_AF_INET6) FAIL(EINVAL);
  static const uint8_t any[16] = {0};
  uint8_t mine[16];
  zt_addr(net_id, node_id, mine);
  if (memcmp(sa->sin6_addr, any, 16) != 0 && memcmp(sa->sin6_addr, mine, 16) != 0) FAIL(EADDRNOTAVAIL);
  uint16_t ztport = ntohs(sa->sin6_port);
  for (int i = 0; ztport && i < MAX_FD; i++) {
    if (fds[i].used && fds[i].listener && fds[i].ztport == ztport) FAIL(EADDRINUSE);
  }
  if (bind_loopback(fd) < 0) FAIL(errno);
  int kport = kernel_port(fd);
  if (!ztport) ztport = (uint16_t)kport;
  char p[4300], text[16];
  reg_path(p, sizeof p, "port-%010llx-%u", (unsigned long long)node_id, ztport);
  snprintf(text, sizeof text, "%d", kport);
  if (write_file(p, text, strlen(text)) < 0) FAIL(EIO);
  fds[fd].listener = 1;
  fds[fd].ztport = ztport;
  zts_errno = 0;
  return 0;
}

int zts_bsd_listen(int fd, int backlog) {
  CHECK_FD(fd);
  if (listen(fd, backlog) < 0) FAIL(errno);
  zts_errno = 0;
  return 0;
}

int zts_bsd_accept(int fd, void* addr, uint32_t* len) {
  CHECK_FD(fd);
  struct sockaddr_in peer;
  socklen_t plen = sizeof peer;
  int nfd = accept(fd, (struct sockaddr*)&peer, &plen);
  if (nfd < 0) FAIL(errno);
  if (nfd >= MAX_FD) {
    close(nfd);
    FAIL(EMFILE);
  }
  memset(&fds[nfd], 0, sizeof fds[nfd]);
  fds[nfd].used = 1;
  fds[nfd].ztport = fds[fd].ztport;
  int one = 1;
  setsockopt(nfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  char p[4300], text[64] = "";
  reg_path(p, sizeof p, "src-%u", ntohs(peer.sin_port));
  read_text(p, text, sizeof text);
  if (addr && len && *len >= sizeof(struct zts_sockaddr_in6)) {
    struct zts_sockaddr_in6 sa;
    memset(&sa, 0, sizeof sa);
    sa.sin6_len = sizeof sa;
    sa.sin6_family = ZTS_AF_INET6;
    sa.sin6_port = peer.sin_port;
    zt_addr(net_id, strtoull(text, NULL, 16), sa.sin6_addr);
    memcpy(addr, &sa, sizeof sa);
    *len = sizeof sa;
  }
  zts_errno = 0;
  return nfd;
}

int zts_bsd_connect(int fd, const void* addr, uint32_t len) {
  CHECK_FD(fd);
  const struct zts_sockaddr_in6* sa = addr;
  if (!sa || len < sizeof *sa || sa->sin6_family != ZTS_AF_INET6) FAIL(EINVAL);
  uint64_t peer = node_of(sa->sin6_addr);
  if (!peer) FAIL(ENETUNREACH);
  char p[4300], text[64];
  reg_path(p, sizeof p, "node-%010llx", (unsigned long long)peer);
  if (access(p, F_OK) != 0) { /* not online: the SYN goes nowhere */
    fds[fd].blackhole = 1;
    FAIL(EINPROGRESS);
  }
  reg_path(p, sizeof p, "port-%010llx-%u", (unsigned long long)peer, ntohs(sa->sin6_port));
  if (read_text(p, text, sizeof text) != 0) FAIL(ECONNREFUSED);
  if (bind_loopback(fd) < 0) FAIL(errno);
  int kport = kernel_port(fd);
  char src[4300], id[16];
  reg_path(src, sizeof src, "src-%d", kport);
  snprintf(id, sizeof id, "%010llx", (unsigned long long)node_id);
  write_file(src, id, strlen(id));
  fds[fd].ztport = (uint16_t)kport;
  struct sockaddr_in to;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons((uint16_t)atoi(text));
  if (connect(fd, (struct sockaddr*)&to, sizeof to) < 0) FAIL(errno);
  zts_errno = 0;
  return 0;
}

long zts_bsd_send(int fd, const void* buf, size_t len, int flags) {
  (void)flags;
  CHECK_FD(fd);
  ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
  if (n < 0) FAIL(errno == EWOULDBLOCK ? EAGAIN : errno);
  zts_errno = 0;
  return n;
}

long zts_bsd_recv(int fd, void* buf, size_t len, int flags) {
  (void)flags;
  CHECK_FD(fd);
  ssize_t n = recv(fd, buf, len, 0);
  if (n < 0) FAIL(errno == EWOULDBLOCK ? EAGAIN : errno);
  zts_errno = 0;
  return n;
}

int zts_bsd_shutdown(int fd, int how) {
  CHECK_FD(fd);
  if (shutdown(fd, how) < 0) FAIL(errno);
  zts_errno = 0;
  return 0;
}

int zts_bsd_close(int fd) {
  if (fd < 0 || fd >= MAX_FD || !fds[fd].used) FAIL(EBADF);
  char p[4300];
  if (fds[fd].listener) {
    reg_path(p, sizeof p, "port-%010llx-%u", (unsigned long long)node_id, fds[fd].ztport);
    unlink(p);
  } else if (fds[fd].ztport) {
    int kport = kernel_port(fd);
    if (kport == fds[fd].ztport) { /* our own connecting socket */
      reg_path(p, sizeof p, "src-%d", kport);
      unlink(p);
    }
  }
  fds[fd].used = 0;
  close(fd);
  zts_errno = 0;
  return 0;
}

int zts_bsd_poll(struct zts_pollfd* zfds, unsigned n, int timeout) {
  if (!running) return ZTS_ERR_SERVICE;
  if (!zfds && n) return ZTS_ERR_ARG;
  struct pollfd* k = calloc(n ? n : 1, sizeof *k);
  if (!k) FAIL(ENOMEM);
  for (unsigned i = 0; i < n; i++) {
    int fd = zfds[i].fd;
    int valid = fd >= 0 && fd < MAX_FD && fds[fd].used;
    k[i].fd = valid && !fds[fd].blackhole ? fd : -1;
    k[i].events = (zfds[i].events & ZTS_POLLIN ? POLLIN : 0) | (zfds[i].events & ZTS_POLLOUT ? POLLOUT : 0);
    zfds[i].revents = valid ? 0 : ZTS_POLLNVAL;
  }
  int r = poll(k, n, timeout);
  if (r < 0) {
    free(k);
    FAIL(errno);
  }
  int ready = 0;
  for (unsigned i = 0; i < n; i++) {
    short re = k[i].revents, z = zfds[i].revents;
    if (re & POLLIN) z |= ZTS_POLLIN;
    if (re & POLLOUT) z |= ZTS_POLLOUT;
    if (re & POLLERR) z |= ZTS_POLLERR;
    if (re & POLLNVAL) z |= ZTS_POLLNVAL;
    if (re & POLLHUP) z |= ZTS_POLLIN;  /* lwIP reports a closed connection as readable */
    zfds[i].revents = z;
    if (z) ready++;
  }
  free(k);
  zts_errno = 0;
  return ready;
}

int zts_bsd_getsockopt(int fd, int level, int opt, void* val, uint32_t* len) {
  CHECK_FD(fd);
  if (level != ZTS_SOL_SOCKET || opt != ZTS_SO_ERROR || !val || !len || *len < sizeof(int)) FAIL(ENOPROTOOPT);
  int err = 0;
  socklen_t l = sizeof err;
  if (!fds[fd].blackhole && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0) FAIL(errno);
  memcpy(val, &err, sizeof err);
  *len = sizeof err;
  zts_errno = 0;
  return 0;
}

int zts_bsd_getsockname(int fd, void* addr, uint32_t* len) {
  CHECK_FD(fd);
  if (!addr || !len || *len < sizeof(struct zts_sockaddr_in6)) FAIL(EINVAL);
  struct zts_sockaddr_in6 sa;
  memset(&sa, 0, sizeof sa);
  sa.sin6_len = sizeof sa;
  sa.sin6_family = ZTS_AF_INET6;
  sa.sin6_port = htons(fds[fd].ztport);
  zt_addr(net_id, node_id, sa.sin6_addr);
  memcpy(addr, &sa, sizeof sa);
  *len = sizeof sa;
  zts_errno = 0;
  return 0;
}

int zts_set_blocking(int fd, int enabled) {
  CHECK_FD(fd);
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, enabled ? fl & ~O_NONBLOCK : fl | O_NONBLOCK) < 0) FAIL(errno);
  return ZTS_ERR_OK;
}

int zts_set_no_delay(int fd, int enabled) {
  CHECK_FD(fd);
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &enabled, sizeof enabled) < 0) FAIL(errno);
  return ZTS_ERR_OK;
}
