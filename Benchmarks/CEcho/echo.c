// The physical limit: a raw TCP echo server in C on epoll, one thread, no library.
//
//   cc -O2 -o c-echo Benchmarks/CEcho/echo.c
//   c-echo [--port N]        prints "c-echo: listening on tcp://127.0.0.1:PORT/"
//
// Every byte read is written back at once from one shared read buffer; only what the socket does
// not take is kept per connection, and reading from that peer stops until it has gone
// (backpressure, like the Swift servers). Level-triggered; up to 16 reads per wake-up while
// reads fill the buffer (the Swift servers' maxMessagesPerRead). TCP_NODELAY on every
// connection. scripts/bench.sh compiles it with the system's cc; it has no other dependency.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

enum { READ_SIZE = 256 * 1024, MAX_READS = 16, MAX_EVENTS = 256 };

struct pending {
  char *bytes;  // what the socket did not take yet (NULL when nothing waits)
  size_t offset, length;
};

static struct pending *pendings;
static size_t pendings_count;
static int epoll_fd;
static char read_buffer[READ_SIZE];

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void close_connection(int fd) {
  if ((size_t)fd < pendings_count) {
    free(pendings[fd].bytes);
    memset(&pendings[fd], 0, sizeof pendings[fd]);
  }
  close(fd);
}

static void watch(int fd, uint32_t events, int op) {
  struct epoll_event event = {.events = events, .data.fd = fd};
  if (epoll_ctl(epoll_fd, op, fd, &event) < 0) die("epoll_ctl");
}

// Writes bytes[0..<length]; keeps what the socket does not take and waits for EPOLLOUT.
// Returns -1 when the connection broke.
static int echo(int fd, const char *bytes, size_t length) {
  size_t done = 0;
  while (done < length) {
    ssize_t n = write(fd, bytes + done, length - done);
    if (n > 0) {
      done += (size_t)n;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      struct pending *p = &pendings[fd];
      p->length = length - done;
      p->offset = 0;
      p->bytes = malloc(p->length);
      if (!p->bytes) die("malloc");
      memcpy(p->bytes, bytes + done, p->length);
      watch(fd, EPOLLOUT, EPOLL_CTL_MOD);
      return 0;
    } else {
      return -1;
    }
  }
  return 0;
}

static void readable(int fd) {
  for (int reads = 0; reads < MAX_READS; reads++) {
    ssize_t n = read(fd, read_buffer, READ_SIZE);
    if (n > 0) {
      if (echo(fd, read_buffer, (size_t)n) < 0) return close_connection(fd);
      if (pendings[fd].bytes) return;  // backpressure: no more reading until it has gone
      if (n < READ_SIZE) return;       // the socket is drained (level-triggered: epoll says when more comes)
    } else if (n == 0) {
      return close_connection(fd);
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return;
    } else {
      return close_connection(fd);
    }
  }
}

static void writable(int fd) {
  struct pending *p = &pendings[fd];
  while (p->offset < p->length) {
    ssize_t n = write(fd, p->bytes + p->offset, p->length - p->offset);
    if (n > 0) {
      p->offset += (size_t)n;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return;
    } else {
      return close_connection(fd);
    }
  }
  free(p->bytes);
  memset(p, 0, sizeof *p);
  watch(fd, EPOLLIN, EPOLL_CTL_MOD);
}

int main(int argc, char **argv) {
  int port = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      port = atoi(argv[++i]);
    } else {
      fprintf(stderr, "usage: c-echo [--port N]\n");
      return 2;
    }
  }
  signal(SIGPIPE, SIG_IGN);
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) < 0) die("getrlimit");
  pendings_count = limit.rlim_cur == RLIM_INFINITY ? 1 << 20 : (size_t)limit.rlim_cur;
  pendings = calloc(pendings_count, sizeof *pendings);
  if (!pendings) die("calloc");

  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listener < 0) die("socket");
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, (struct sockaddr *)&address, sizeof address) < 0) die("bind");
  if (listen(listener, 4096) < 0) die("listen");
  socklen_t length = sizeof address;
  if (getsockname(listener, (struct sockaddr *)&address, &length) < 0) die("getsockname");
  printf("c-echo: listening on tcp://127.0.0.1:%d/\n", ntohs(address.sin_port));
  fflush(stdout);

  epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) die("epoll_create1");
  watch(listener, EPOLLIN, EPOLL_CTL_ADD);
  struct epoll_event events[MAX_EVENTS];
  for (;;) {
    int count = epoll_wait(epoll_fd, events, MAX_EVENTS, -1);
    if (count < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < count; i++) {
      int fd = events[i].data.fd;
      if (fd == listener) {
        for (;;) {
          int client = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (client < 0) break;  // EAGAIN (all accepted) or a transient error: epoll says when to retry
          if ((size_t)client >= pendings_count) {
            close(client);
            continue;
          }
          setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          watch(client, EPOLLIN, EPOLL_CTL_ADD);
        }
      } else if (events[i].events & EPOLLOUT) {
        writable(fd);
      } else if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        readable(fd);
      }
    }
  }
}
