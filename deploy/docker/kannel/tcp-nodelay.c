/* Loaded into smsbox (LD_PRELOAD): its TCP connections, to bearerbox above all, send each write at once.
 *
 * smsbox does not set TCP_NODELAY on them. A sendsms that asks for delivery reports then waited for the peer's
 * delayed ACK: 44 ms each instead of 1 ms, so one connection to sendsms carried about 25 SMS a second.
 * Built by deploy/local/install.sh and by this folder's Dockerfile. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

int connect(int socket, const struct sockaddr *address, socklen_t length) {
    static int (*next_connect)(int, const struct sockaddr *, socklen_t);
    if (!next_connect) next_connect = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
    if (address->sa_family == AF_INET || address->sa_family == AF_INET6) {
        int on = 1;
        setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    return next_connect(socket, address, length);
}
