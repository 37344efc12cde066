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
    struct sockaddr_storage peer;
    socklen_t peer_length = sizeof peer;
    int accepted = next_accept(socket, (struct sockaddr *)&peer, &peer_length);
    if (accepted >= 0) {
        send_each_write_at_once(accepted, peer.ss_family);
        if (address && length) {
            socklen_t copied = *length < peer_length ? *length : peer_length;
            for (socklen_t i = 0; i < copied; i++) ((char *)address)[i] = ((char *)&peer)[i];
            *length = peer_length;
        }
    }
    return accepted;
}
