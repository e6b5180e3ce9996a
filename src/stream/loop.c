/*
 * loop.c — the stream's wait: poll() over watched descriptors, or the libwebsockets service
 * loop once a network source exists (see loop.h).
 */
#include "stream/loop.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chorus.h"
#include "core/alloc.h"
#include "stream/source.h"

/* Standard input is the only descriptor a stream watches today; room for a few more. */
#define WATCH_MAX 8

typedef struct watch {
    ch_loop_handler h;            /* first: the adopted wsi's opaque user data */
    ch_loop *loop;
    int fd;                       /* the caller's descriptor; -1 = free slot */
    struct lws *wsi;              /* the adopted dup, while lws holds it */
} watch;

struct ch_loop {
    ch_loop_opts opts;
    struct lws_context *ctx;
    struct lws_vhost *vhost;
    watch w[WATCH_MAX];
    lws_sorted_usec_list_t sul;   /* bounds a wait inside lws_service */
    int64_t last_service_ms;
};

static int watch_cb(ch_loop_handler *h, struct lws *wsi, enum lws_callback_reasons reason,
                    void *in, size_t len)
{
    watch *w = (watch *)h;
    switch (reason) {
    case LWS_CALLBACK_RAW_RX_FILE:
        /* Readable: the wait ends with this service round; the source reads it itself. */
        return 0;
    case LWS_CALLBACK_RAW_CLOSE_FILE:
    case LWS_CALLBACK_WSI_DESTROY:
        /* lws closes the dup itself (it owns the descriptor of every wsi). */
        if (w->wsi == wsi)
            w->wsi = NULL;
        lws_set_opaque_user_data(wsi, NULL);
        return 0;
    default:
        return 0;
    }
}

static int loop_protocol_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                            void *in, size_t len)
{
    ch_loop_handler *h = wsi ? lws_get_opaque_user_data(wsi) : NULL;
    if (h && h->cb)
        return h->cb(h, wsi, reason, in, len);
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* rx_buffer_size: how much lws reads from a socket per service round; large enough that a
 * burst of Jetstream events (~0.5-1 KiB each) comes in a few rounds. */
static const struct lws_protocols protocols[] = {
    {"chorus-stream", loop_protocol_cb, 0, 64 * 1024, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

int ch_loop_new(const ch_loop_opts *opts, ch_loop **out)
{
    *out = NULL;
    ch_loop *l = ch_calloc(1, sizeof *l);
    if (!l)
        return CHORUS_ENOMEM;
    if (opts)
        l->opts = *opts;
    if (l->opts.max_fds == 0)
        l->opts.max_fds = 64;
    for (size_t i = 0; i < WATCH_MAX; i++) {
        l->w[i].fd = -1;
        l->w[i].loop = l;
        l->w[i].h.cb = watch_cb;
    }
    *out = l;
    return CHORUS_OK;
}

static void adopt(ch_loop *l, watch *w)
{
    if (!l->ctx || w->wsi || w->fd < 0)
        return;
    int dup_fd = dup(w->fd);
    if (dup_fd < 0)
        return; /* the wait then falls back to a bounded sleep for this descriptor */
    lws_sock_file_fd_type u;
    memset(&u, 0, sizeof u);
    u.filefd = dup_fd;
    struct lws *wsi = lws_adopt_descriptor_vhost(l->vhost, LWS_ADOPT_RAW_FILE_DESC, u,
                                                 "chorus-stream", NULL);
    if (!wsi) {
        close(dup_fd);
        return;
    }
    lws_set_opaque_user_data(wsi, &w->h);
    w->wsi = wsi;
}

int ch_loop_context(ch_loop *l, struct lws_context **ctx, char *err, size_t errlen)
{
    if (l->ctx) {
        *ctx = l->ctx;
        return CHORUS_OK;
    }
    /* lws logs to stderr by default, and the setting is process-wide: a library must not
     * print, so it is switched off (connection events reach the caller through diag). */
    lws_set_log_level(0, NULL);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.fd_limit_per_thread = (unsigned int)(l->opts.max_fds + 3 * WATCH_MAX);
    /* lws reads a socket into this buffer, once per service round: the 4 KiB default holds
     * ~9 Jetstream events, 64 KiB ~145, which is what lets a busy loop keep up (see
     * ch_loop_service_if_due). */
    info.pt_serv_buf_size = 64 * 1024;
    info.client_ssl_ca_filepath = l->opts.ca_file;
    info.user = l;
    l->ctx = lws_create_context(&info);
    if (!l->ctx) {
        ch_stream_errf(err, errlen, "cannot start the network loop (libwebsockets)");
        return CHORUS_EINTERNAL;
    }
    l->vhost = lws_get_vhost_by_name(l->ctx, "default");
    for (size_t i = 0; i < WATCH_MAX; i++)
        adopt(l, &l->w[i]);
    *ctx = l->ctx;
    return CHORUS_OK;
}

struct lws_context *ch_loop_context_if(const ch_loop *l)
{
    return l ? l->ctx : NULL;
}

int ch_loop_watch_fd(ch_loop *l, int fd)
{
    for (size_t i = 0; i < WATCH_MAX; i++)
        if (l->w[i].fd == fd)
            return CHORUS_OK;
    for (size_t i = 0; i < WATCH_MAX; i++) {
        if (l->w[i].fd < 0) {
            l->w[i].fd = fd;
            adopt(l, &l->w[i]);
            return CHORUS_OK;
        }
    }
    return CHORUS_ENOMEM;
}

void ch_loop_unwatch_fd(ch_loop *l, int fd)
{
    if (!l)
        return;
    for (size_t i = 0; i < WATCH_MAX; i++) {
        watch *w = &l->w[i];
        if (w->fd != fd)
            continue;
        w->fd = -1;
        if (w->wsi) {
            /* Closed on the next service round; the close callback clears w->wsi. */
            lws_set_opaque_user_data(w->wsi, NULL);
            lws_set_timeout(w->wsi, PENDING_TIMEOUT_CLOSE_ACK, LWS_TO_KILL_ASYNC);
            w->wsi = NULL;
        }
    }
}

static void sul_wake(lws_sorted_usec_list_t *sul)
{
    (void)sul; /* firing is the point: lws_service returns after it */
}

void ch_loop_wait(ch_loop *l, int64_t deadline_ms)
{
    int64_t now = ch_stream_now_ms();
    int64_t wait = deadline_ms > now ? deadline_ms - now : 0;
    if (l->ctx) {
        l->last_service_ms = now;
        if (wait == 0) {
            lws_service(l->ctx, -1);
            return;
        }
        lws_sul_schedule(l->ctx, 0, &l->sul, sul_wake, (lws_usec_t)wait * LWS_US_PER_MS);
        lws_service(l->ctx, 0);
        lws_sul_cancel(&l->sul);
        return;
    }
    struct pollfd pf[WATCH_MAX];
    nfds_t n = 0;
    for (size_t i = 0; i < WATCH_MAX; i++) {
        if (l->w[i].fd >= 0) {
            pf[n].fd = l->w[i].fd;
            pf[n].events = POLLIN;
            pf[n].revents = 0;
            n++;
        }
    }
    if (wait > 1000000)
        wait = 1000000;
    if (n > 0) {
        (void)poll(pf, n, (int)wait); /* EINTR: the caller looks at its stop flag */
    } else if (wait > 0) {
        struct timespec ts = {(time_t)(wait / 1000), (long)(wait % 1000) * 1000000L};
        (void)nanosleep(&ts, NULL);
    }
}

void ch_loop_service_if_due(ch_loop *l, int64_t now_ms, int every_ms)
{
    if (!l->ctx || now_ms - l->last_service_ms < every_ms)
        return;
    l->last_service_ms = now_ms;
    lws_service(l->ctx, -1);
}

void ch_loop_free(ch_loop *l)
{
    if (!l)
        return;
    if (l->ctx) {
        lws_sul_cancel(&l->sul);
        lws_context_destroy(l->ctx);
    }
    ch_free(l);
}
