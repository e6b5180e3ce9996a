/* twitter_common.c — logic the two Twitter readers share (see twitter_common.h). */
#include "ingest/twitter_common.h"

#include "chorus.h"
#include "core/timeparse.h"

/* The refusal of ch_tw_time, apart so the common path stays short. */
static __attribute__((noinline)) bool time_refused(ch_ingest_ctx *ctx, uint64_t line, bool top,
                                                   ch_slice t, bool ms, int pr, int *rc)
{
    if (top)
        *rc = ch_ingest_reject(ctx, line, CH_R_BAD_TIME, "%s %s '%.*s'%s", ch_time_problem(pr),
                               ms ? "timestamp_ms" : "created_at", (int)(t.n > 64 ? 64 : t.n),
                               t.p, pr == CHORUS_ELIMIT ? " (posts lie in " CH_TIME_WINDOW ")" : "");
    return false;
}

bool ch_tw_time(ch_ingest_ctx *ctx, uint64_t line, bool top, ch_slice t, bool ms, int64_t *out,
                int *rc)
{
    int pr;
    if (!t.n || (pr = ch_time_parse_post(t.p, t.n, ms, out)) == CHORUS_OK)
        return true;
    return time_refused(ctx, line, top, t, ms, pr, rc);
}

int ch_tw_emit(ch_ingest_ctx *ctx, uint64_t line, const ch_rawpost *r, bool top)
{
    if (!top && (!r->id.n || (!r->author_id.n && !r->author.n) || r->created_at == CH_UNKNOWN_I64))
        return CHORUS_OK;
    return ch_ingest_emit(ctx, line, r);
}

bool ch_tw_meta_present(const ch_rawpost *r)
{
    return r->meta.followers != CH_UNKNOWN_I64 || r->meta.following != CH_UNKNOWN_I64 ||
           r->meta.statuses != CH_UNKNOWN_I64 || r->meta.created_at != CH_UNKNOWN_I64 ||
           r->meta.verified >= 0 || r->meta.default_profile >= 0 ||
           r->meta.default_profile_image >= 0;
}

int ch_tw_each_object(ch_json_val root, ch_tw_object_fn fn, void *arg, size_t *found)
{
    int rc = CHORUS_OK;
    ch_json_type t = ch_json_type_of(root);
    if (t == CH_JSON_ARRAY) {
        ch_json_iter it;
        ch_json_val e;
        ch_json_iter_init(root, &it);
        while (!rc && ch_json_arr_next(&it, &e))
            rc = fn(arg, e, found);
    } else if (t == CH_JSON_OBJECT) {
        rc = fn(arg, root, found);
    }
    return rc;
}

bool ch_tw_first_key(ch_json_val root, const char **key, size_t *n)
{
    ch_json_iter it;
    ch_json_val v;
    return ch_json_type_of(root) == CH_JSON_OBJECT && ch_json_iter_init(root, &it) &&
           ch_json_obj_next(&it, key, n, &v);
}
