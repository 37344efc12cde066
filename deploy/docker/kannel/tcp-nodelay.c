/* Loaded into Kannel's bearerbox and smsbox (LD_PRELOAD): their TCP connections, made or accepted, send each write
 * at once (TCP_NODELAY), which Kannel does not ask for.
 *
 * Without it, a send that asks for delivery reports waited 44 ms for a delayed ACK before smsbox answered (1 ms with
 * it), so one connection to sendsms carried about 25 SMS a second; and each delivery report reached its URL 42 ms
 * after the send was answered (under 1 ms with it).
 * Built by deploy/local/install.sh and by this folder's Dockerfile. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static void send_each_write_at_once(int socket, int family) {
    if (family == AF_INET || family == AF_INET6) {
        int on = 1;
        setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
}

int connect(int socket, const struct sockaddr *address, socklen_t length) {
    static int (*next_connect)(int, const struct sockaddr *, socklen_t);
    if (!next_connect) next_connect = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
    send_each_write_at_once(socket, address->sa_family);
    return next_connect(socket, address, length);
}

int accept(int socket, struct sockaddr *address, socklen_t *length) {
    static int (*next_accept)(int, struct sockaddr *, socklen_t *);
    if (!next_accept) next_accept = (int (*)(int, struct sockaddr *, socklen_t *))dlsym(RTLD_NEXT, "accept");
    int accepted = next_accept(socket, address, length);
    struct sockaddr_storage own;
    socklen_t own_length = sizeof own;
    if (accepted >= 0 && getsockname(accepted, (struct sockaddr *)&own, &own_length) == 0)
        send_each_write_at_once(accepted, own.ss_family);
    return accepted;
}
