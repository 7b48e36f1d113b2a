// The BSD socket calls, compared with qemu-riscv64: TCP over 127.0.0.1 and
// ::1 between a forked server and its parent, UDP with sendto/recvfrom and
// sendmmsg/recvmmsg, AF_UNIX stream/datagram/seqpacket pairs, an abstract
// name, SCM_RIGHTS fd passing and SCM_CREDENTIALS, socket options, and the
// errors Linux gives for bad arguments. Nothing printed depends on a port
// number or a pid.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest_check.h"

// A TCP echo round trip on `family` loopback: the child accepts once and
// echoes upper-cased; the parent connects, sends, reads.
static void TcpRoundTrip(int family) {
  const int listener = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK(listener >= 0);
  const int one = 1;
  CHECK_EQ(setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
  struct sockaddr_storage addr;
  memset(&addr, 0, sizeof addr);
  socklen_t len;
  if (family == AF_INET) {
    struct sockaddr_in* in = (struct sockaddr_in*)&addr;
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof *in;
  } else {
    struct sockaddr_in6* in6 = (struct sockaddr_in6*)&addr;
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_loopback;
    len = sizeof *in6;
  }
  CHECK_EQ(bind(listener, (struct sockaddr*)&addr, len), 0);
  CHECK_EQ(listen(listener, 4), 0);
  socklen_t got = sizeof addr;
  CHECK_EQ(getsockname(listener, (struct sockaddr*)&addr, &got), 0);
  CHECK_EQ(got, len);
  fflush(stdout);
  const pid_t child = fork();
  if (child == 0) {
    struct sockaddr_storage peer;
    socklen_t peer_len = sizeof peer;
    const int c = accept4(listener, (struct sockaddr*)&peer, &peer_len, SOCK_CLOEXEC);
    if (c < 0) _exit(1);
    char buf[64];
    const ssize_t n = recv(c, buf, sizeof buf, 0);
    for (ssize_t i = 0; i < n; ++i)
      buf[i] = (char)(buf[i] >= 'a' && buf[i] <= 'z' ? buf[i] - 32 : buf[i]);
    if (send(c, buf, (size_t)n, 0) != n) _exit(2);
    shutdown(c, SHUT_WR);
    _exit(peer_len == len ? 0 : 3);
  }
  close(listener);
  const int s = socket(family, SOCK_STREAM, 0);
  CHECK_EQ(connect(s, (struct sockaddr*)&addr, len), 0);
  const int nodelay = 1;
  CHECK_EQ(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay), 0);
  struct sockaddr_storage peer;
  socklen_t peer_len = sizeof peer;
  CHECK_EQ(getpeername(s, (struct sockaddr*)&peer, &peer_len), 0);
  CHECK_EQ(peer_len, len);
  CHECK_EQ(send(s, "hello tcp", 9, 0), 9);
  char buf[64] = {0};
  ssize_t total = 0, n;
  while ((n = recv(s, buf + total, sizeof buf - 1 - (size_t)total, 0)) > 0) total += n;
  int status = 0;
  CHECK_EQ(waitpid(child, &status, 0), child);
  printf("tcp %s: got \"%s\", server exit %d\n", family == AF_INET ? "127.0.0.1" : "::1", buf,
         WEXITSTATUS(status));
  close(s);
}

static void Udp(void) {
  const int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  CHECK_EQ(bind(b, (struct sockaddr*)&addr, sizeof addr), 0);
  socklen_t len = sizeof addr;
  CHECK_EQ(getsockname(b, (struct sockaddr*)&addr, &len), 0);
  CHECK_EQ(sendto(a, "datagram", 8, 0, (struct sockaddr*)&addr, sizeof addr), 8);
  char buf[32] = {0};
  struct sockaddr_in from;
  socklen_t from_len = sizeof from;
  CHECK_EQ(recvfrom(b, buf, sizeof buf, 0, (struct sockaddr*)&from, &from_len), 8);
  printf("udp: \"%s\" from 127.0.0.1: %d\n", buf, from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
  // sendmmsg / recvmmsg: three datagrams in one call each way.
  CHECK_EQ(connect(a, (struct sockaddr*)&addr, sizeof addr), 0);
  struct mmsghdr out[3], in[3];
  struct iovec out_iov[3], in_iov[3];
  char out_buf[3][8], in_buf[3][8];
  memset(out, 0, sizeof out);
  memset(in, 0, sizeof in);
  for (int i = 0; i < 3; ++i) {
    snprintf(out_buf[i], sizeof out_buf[i], "msg %d", i);
    out_iov[i] = (struct iovec){out_buf[i], 5};
    out[i].msg_hdr.msg_iov = &out_iov[i];
    out[i].msg_hdr.msg_iovlen = 1;
    in_iov[i] = (struct iovec){in_buf[i], sizeof in_buf[i]};
    in[i].msg_hdr.msg_iov = &in_iov[i];
    in[i].msg_hdr.msg_iovlen = 1;
  }
  CHECK_EQ(sendmmsg(a, out, 3, 0), 3);
  CHECK_EQ(recvmmsg(b, in, 3, MSG_WAITALL, NULL), 3);
  printf("mmsg: %.*s / %.*s / %.*s (lengths %u %u %u)\n", (int)in[0].msg_len, in_buf[0],
         (int)in[1].msg_len, in_buf[1], (int)in[2].msg_len, in_buf[2], in[0].msg_len, in[1].msg_len,
         in[2].msg_len);
  close(a);
  close(b);
}

static void UnixPairs(void) {
  const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
  const char* names[] = {"stream", "dgram", "seqpacket"};
  for (int t = 0; t < 3; ++t) {
    int sv[2];
    CHECK_EQ(socketpair(AF_UNIX, types[t], 0, sv), 0);
    CHECK_EQ(write(sv[0], "ping", 4), 4);
    char buf[8] = {0};
    CHECK_EQ(read(sv[1], buf, sizeof buf), 4);
    printf("unix %s pair: %s\n", names[t], buf);
    close(sv[0]);
    close(sv[1]);
  }
  // An abstract name: bind, connect, accept.
  struct sockaddr_un un = {.sun_family = AF_UNIX};
  const char name[] = "\0dbt-sockets-test";
  memcpy(un.sun_path, name, sizeof name - 1);
  const socklen_t un_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + sizeof name - 1);
  const int l = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK_EQ(bind(l, (struct sockaddr*)&un, un_len), 0);
  CHECK_EQ(listen(l, 1), 0);
  const int c = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK_EQ(connect(c, (struct sockaddr*)&un, un_len), 0);
  const int s = accept(l, NULL, NULL);
  CHECK(s >= 0);
  struct sockaddr_un bound;
  socklen_t bound_len = sizeof bound;
  CHECK_EQ(getsockname(l, (struct sockaddr*)&bound, &bound_len), 0);
  printf("abstract name: %s (%d bytes)\n", bound.sun_path + 1, (int)bound_len);
  close(s);
  close(c);
  close(l);
}

static void FdPassing(void) {
  int sv[2];
  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  const int on = 1;
  CHECK_EQ(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on), 0);
  int pipefd[2];
  CHECK_EQ(pipe(pipefd), 0);
  CHECK_EQ(write(pipefd[1], "through the passed fd", 21), 21);
  close(pipefd[1]);
  char data = 'x';
  struct iovec iov = {&data, 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  struct msghdr m = {.msg_iov = &iov,
                     .msg_iovlen = 1,
                     .msg_control = control.buf,
                     .msg_controllen = sizeof control.buf};
  struct cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &pipefd[0], sizeof(int));
  CHECK_EQ(sendmsg(sv[0], &m, 0), 1);
  close(pipefd[0]);
  union {
    char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
    struct cmsghdr align;
  } in_control;
  char in_data = 0;
  struct iovec in_iov = {&in_data, 1};
  struct msghdr r = {.msg_iov = &in_iov,
                     .msg_iovlen = 1,
                     .msg_control = in_control.buf,
                     .msg_controllen = sizeof in_control.buf};
  CHECK_EQ(recvmsg(sv[1], &r, 0), 1);
  int passed = -1, creds = 0;
  for (struct cmsghdr* h = CMSG_FIRSTHDR(&r); h != NULL; h = CMSG_NXTHDR(&r, h)) {
    if (h->cmsg_type == SCM_RIGHTS) memcpy(&passed, CMSG_DATA(h), sizeof passed);
    if (h->cmsg_type == SCM_CREDENTIALS) {
      struct ucred u;
      memcpy(&u, CMSG_DATA(h), sizeof u);
      creds = u.pid == getpid() && u.uid == getuid();
    }
  }
  char buf[64] = {0};
  CHECK(passed >= 0);
  CHECK_EQ(read(passed, buf, sizeof buf), 21);
  printf("SCM_RIGHTS: \"%s\"; SCM_CREDENTIALS ours: %d; data '%c'\n", buf, creds, in_data);
  close(passed);
  close(sv[0]);
  close(sv[1]);
}

static void Options(void) {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  int v = 0;
  socklen_t len = sizeof v;
  CHECK_EQ(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len), 0);
  printf("SO_TYPE %d (len %u)\n", v, len);
  struct timeval tv = {2, 500000}, back = {0, 0};
  CHECK_EQ(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
  len = sizeof back;
  CHECK_EQ(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &back, &len), 0);
  printf("SO_RCVTIMEO %ld.%06ld\n", (long)back.tv_sec, (long)back.tv_usec);
  struct linger lg = {1, 7}, lg_back;
  CHECK_EQ(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
  len = sizeof lg_back;
  CHECK_EQ(getsockopt(s, SOL_SOCKET, SO_LINGER, &lg_back, &len), 0);
  printf("SO_LINGER %d %d\n", lg_back.l_onoff, lg_back.l_linger);
  close(s);
}

// What needs AF_NETLINK (getifaddrs) and the resolver (getaddrinfo, which
// reads /etc/hosts through NSS: in a static build, from the sysroot's
// libnss_files).
static void Names(void) {
  struct ifaddrs* list;
  CHECK_EQ(getifaddrs(&list), 0);
  int lo4 = 0, lo6 = 0;
  for (struct ifaddrs* p = list; p != NULL; p = p->ifa_next) {
    if (strcmp(p->ifa_name, "lo") != 0 || p->ifa_addr == NULL) continue;
    lo4 |= p->ifa_addr->sa_family == AF_INET;
    lo6 |= p->ifa_addr->sa_family == AF_INET6;
  }
  freeifaddrs(list);
  printf("getifaddrs: lo has inet %d\n", lo4);
  (void)lo6;
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
  struct addrinfo* res = NULL;
  const int e = getaddrinfo("localhost", "80", &hints, &res);
  if (e == 0) {
    const struct sockaddr_in* in = (const struct sockaddr_in*)res->ai_addr;
    printf("getaddrinfo localhost: %s port %d\n", inet_ntoa(in->sin_addr), ntohs(in->sin_port));
    freeaddrinfo(res);
  } else {
    printf("getaddrinfo localhost: %s\n", gai_strerror(e));
  }
}

static void Errors(void) {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  errno = 0;
  printf("bind bad pointer: %s\n", bind(s, (struct sockaddr*)8, 16) < 0 ? strerror(errno) : "ok");
  struct sockaddr_in in = {.sin_family = AF_INET};
  errno = 0;
  printf("bind short length: %s\n", bind(s, (struct sockaddr*)&in, 3) < 0 ? strerror(errno) : "ok");
  int v = 1;
  errno = 0;
  printf("setsockopt length 1: %s\n",
         setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 1) < 0 ? strerror(errno) : "ok");
  errno = 0;
  printf("getsockopt bad length pointer: %s\n",
         getsockopt(s, SOL_SOCKET, SO_TYPE, &v, (socklen_t*)8) < 0 ? strerror(errno) : "ok");
  const int f = open("/dev/null", O_RDONLY);
  errno = 0;
  printf("listen on a file: %s\n", listen(f, 1) < 0 ? strerror(errno) : "ok");
  errno = 0;
  printf("socket(12345): %s\n", socket(12345, SOCK_STREAM, 0) < 0 ? strerror(errno) : "ok");
  struct msghdr m = {.msg_iov = (struct iovec*)8, .msg_iovlen = 1};
  errno = 0;
  printf("sendmsg bad iov: %s\n", sendmsg(s, &m, 0) < 0 ? strerror(errno) : "ok");
  errno = 0;
  printf("recv on unconnected: %s\n",
         recv(s, &v, sizeof v, MSG_DONTWAIT) < 0 ? strerror(errno) : "ok");
  close(f);
  close(s);
}

int main(void) {
  TcpRoundTrip(AF_INET);
  TcpRoundTrip(AF_INET6);
  Udp();
  UnixPairs();
  FdPassing();
  Options();
  Names();
  Errors();
  return GuestFinish();
}
