/*
 * options.c — the options of a scan by string key (chorus_scan_set): one table of keys with
 * their values, defaults and help, so that the command line, a Python module and an HTTP API
 * take the same names and get the same messages; and the list of input formats.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_int.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/sys.h"
#include "core/timeparse.h"

#define MAX_THREADS 1024          /* accepted; the stages use at most CH_CORPUS_WORKERS */
#define MAX_WINDOW (30 * 86400)   /* a month: longer windows make every pair co-act */

typedef chorus_err (*setter)(chorus_scan *s, const char *key, const char *value);

typedef struct option {
    chorus_option_info info;
    setter set;
} option;

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (!strcasecmp(v, yes[i])) {
            *out = true;
            return true;
        }
        if (!strcasecmp(v, no[i])) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* A whole decimal integer in [lo, hi]. */
static bool parse_int(const char *v, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (!*v || *end || errno || x < lo || x > hi)
        return false;
    *out = x;
    return true;
}

/* The format names for a message: "chorus, csv, io-csv, twitter-v1, twitter-v2". */
static void format_names(char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ch_reader_count() && n < cap; i++) {
        int k = snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", ch_reader_at(i)->name);
        if (k < 0)
            break;
        n += (size_t)k;
    }
}

chorus_err ch_api_parse_format(chorus_scan *s, const char *value, const ch_reader **out)
{
    if (!strcasecmp(value, "auto")) {
        *out = NULL;
        return CHORUS_OK;
    }
    const ch_reader *r = ch_reader_find(value);
    if (!r) {
        char names[512];
        format_names(names, sizeof names);
        return scan_fail(s, CHORUS_EUSAGE, NULL, "format takes auto or a format name (%s), not '%s'",
                         names, value);
    }
    *out = r;
    return CHORUS_OK;
}

const ch_reader *ch_api_default_reader(const chorus_scan *s)
{
    if (s->format)
        return s->format;
    return s->map.n ? ch_reader_find("csv") : NULL;
}

static chorus_err set_format(chorus_scan *s, const char *key, const char *v)
{
    return ch_api_parse_format(s, v, &s->format);
}

static chorus_err set_map(chorus_scan *s, const char *key, const char *v)
{
    char msg[256];
    if (ch_csvmap_parse(&s->map, v, msg, sizeof msg))
        return scan_fail(s, CHORUS_EUSAGE, NULL, "map takes FIELD=COLUMN,...: %s", msg);
    return CHORUS_OK;
}

static chorus_err set_strict(chorus_scan *s, const char *key, const char *v)
{
    if (!parse_bool(v, &s->strict))
        return scan_fail(s, CHORUS_EUSAGE, NULL, "strict takes true or false, not '%s'", v);
    return CHORUS_OK;
}

static chorus_err set_all_matches(chorus_scan *s, const char *key, const char *v)
{
    if (!parse_bool(v, &s->all_matches))
        return scan_fail(s, CHORUS_EUSAGE, NULL, "all_matches takes true or false, not '%s'", v);
    return CHORUS_OK;
}

static chorus_err set_threads(chorus_scan *s, const char *key, const char *v)
{
    long long x;
    if (!parse_int(v, 0, MAX_THREADS, &x))
        return scan_fail(s, CHORUS_EUSAGE, NULL,
                         "threads takes a number from 0 (all cores) to %d, not '%s'", MAX_THREADS, v);
    s->threads = (int)x;
    return CHORUS_OK;
}

/* A behaviour by name ("repost", ...; chorus's names, core/vocab.h); false when unknown. */
static bool behaviour_named(const char *v, size_t n, int *out)
{
    for (int b = 0; b < CH_B__COUNT; b++) {
        const char *name = ch_behaviour_name((ch_behaviour)b);
        if (strlen(name) == n && !strncasecmp(name, v, n)) {
            *out = b;
            return true;
        }
    }
    return false;
}

/* "repost, reply, ..." for messages. */
static void behaviour_names(char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int b = 0; b < CH_B__COUNT && n < cap; b++) {
        int k = snprintf(buf + n, cap - n, "%s%s", b ? ", " : "", ch_behaviour_name((ch_behaviour)b));
        if (k < 0)
            break;
        n += (size_t)k;
    }
}

/* "auto", "SECONDS", or a comma-separated list of entries, each "auto", "SECONDS" (the
 * window of every behaviour not named) or "BEHAVIOUR=SECONDS" (that behaviour's own, fixed
 * window). A new value replaces the whole setting. */
static chorus_err set_window(chorus_scan *s, const char *key, const char *v)
{
    int64_t all = 0, of[CH_B__COUNT] = {0};
    char names[256], item[64];
    const char *p = v;
    do {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n && (*p == ' ' || *p == '\t'))
            p++, n--;
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n >= sizeof item)
            n = sizeof item - 1;
        memcpy(item, p, n);
        item[n] = '\0';
        char *eq = strchr(item, '=');
        long long x;
        int b = -1;
        if (eq && !behaviour_named(item, (size_t)(eq - item), &b)) {
            behaviour_names(names, sizeof names);
            return scan_fail(s, CHORUS_EUSAGE, NULL,
                             "window: unknown behaviour '%.*s' (%s)", (int)(eq - item), item,
                             names);
        }
        const char *num = eq ? eq + 1 : item;
        if (!eq && !strcasecmp(num, "auto")) {
            all = 0;
        } else if (!parse_int(num, 1, MAX_WINDOW, &x)) {
            return scan_fail(s, CHORUS_EUSAGE, NULL,
                             "window takes 'auto', seconds between 1 and %d, or entries "
                             "BEHAVIOUR=SECONDS separated by commas (repost=60,link=600), not '%s'",
                             MAX_WINDOW, v);
        } else if (eq) {
            of[b] = x;
        } else {
            all = x;
        }
        p = end ? end + 1 : NULL;
    } while (p);
    s->window = all;
    memcpy(s->window_of, of, sizeof of);
    return CHORUS_OK;
}

/* "all", or behaviour names separated by commas. */
static chorus_err set_behaviours(chorus_scan *s, const char *key, const char *v)
{
    uint32_t mask = 0;
    char names[256];
    if (!strcasecmp(v, "all")) {
        s->behaviours = 0;
        return CHORUS_OK;
    }
    const char *p = v;
    do {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n && *p == ' ')
            p++, n--;
        while (n && p[n - 1] == ' ')
            n--;
        int b;
        if (!behaviour_named(p, n, &b)) {
            behaviour_names(names, sizeof names);
            return scan_fail(s, CHORUS_EUSAGE, NULL,
                             "behaviours takes 'all' or names separated by commas (%s), not '%s'",
                             names, v);
        }
        mask |= 1u << b;
        p = end ? end + 1 : NULL;
    } while (p);
    s->behaviours = mask;
    return CHORUS_OK;
}

static chorus_err set_min_events(chorus_scan *s, const char *key, const char *v)
{
    long long x;
    if (!strcasecmp(v, "auto")) {
        s->min_events = 0;
        return CHORUS_OK;
    }
    if (!parse_int(v, 1, 1000000, &x))
        return scan_fail(s, CHORUS_EUSAGE, NULL,
                         "min_events takes 'auto' or a number from 1 to 1000000, not '%s'", v);
    s->min_events = (uint32_t)x;
    return CHORUS_OK;
}

static chorus_err set_fdr(chorus_scan *s, const char *key, const char *v)
{
    char *end;
    if (!strcasecmp(v, "auto")) {
        s->fdr = 0;
        return CHORUS_OK;
    }
    double x = strtod(v, &end);
    if (!*v || *end || !(x > 0 && x <= 0.5))
        return scan_fail(s, CHORUS_EUSAGE, NULL, "fdr takes 'auto' or a number in (0, 0.5], not '%s'",
                         v);
    s->fdr = x;
    return CHORUS_OK;
}

static chorus_err set_compat(chorus_scan *s, const char *key, const char *v)
{
    for (int m = CH_COMPAT_NONE; m <= CH_COMPAT_CNT; m++)
        if (!strcasecmp(v, ch_coact_compat_name(m))) {
            s->compat = m;
            return CHORUS_OK;
        }
    return scan_fail(s, CHORUS_EUSAGE, NULL, "compat takes none, coortweet or cnt, not '%s'", v);
}

static chorus_err set_similarity(chorus_scan *s, const char *key, const char *v)
{
    char *end;
    double x = strtod(v, &end);
    if (!*v || *end || !(x > 0 && x <= 1))
        return scan_fail(s, CHORUS_EUSAGE, NULL, "similarity takes a number in (0, 1], not '%s'",
                         v);
    s->similarity = x;
    return CHORUS_OK;
}

static chorus_err set_threshold(chorus_scan *s, const char *key, const char *v)
{
    char *end;
    double x = strtod(v, &end);
    if (!*v || *end || !(x > 0 && x <= 1))
        return scan_fail(s, CHORUS_EUSAGE, NULL, "threshold takes a number in (0, 1], not '%s'", v);
    s->threshold = x;
    return CHORUS_OK;
}

static chorus_err set_errors_per_file(chorus_scan *s, const char *key, const char *v)
{
    long long x;
    if (!parse_int(v, 0, 1000000, &x))
        return scan_fail(s, CHORUS_EUSAGE, NULL,
                         "errors_per_file takes a number from 0 to 1000000, not '%s'", v);
    s->errors_per_file = (unsigned)x;
    return CHORUS_OK;
}

static chorus_err set_report(chorus_scan *s, const char *key, const char *v)
{
    if (!*v)
        return scan_fail(s, CHORUS_EUSAGE, NULL, "report takes a file path, not ''");
    char *p = ch_strndup(v, strlen(v));
    if (!p)
        return scan_fail(s, CHORUS_ENOMEM, NULL, "out of memory");
    ch_free(s->report);
    s->report = p;
    return CHORUS_OK;
}

static chorus_err set_force(chorus_scan *s, const char *key, const char *v)
{
    if (!parse_bool(v, &s->force))
        return scan_fail(s, CHORUS_EUSAGE, NULL, "force takes true or false, not '%s'", v);
    return CHORUS_OK;
}

static chorus_err set_time_format(chorus_scan *s, const char *key, const char *v)
{
    (void)key;
    char err[256];
    if (*v && ch_time_fmt_check(v, err, sizeof err))
        return scan_fail(s, CHORUS_EUSAGE, NULL, "time_format: %s", err);
    char *p = NULL;
    if (*v && !(p = ch_strndup(v, strlen(v))))
        return scan_fail(s, CHORUS_ENOMEM, NULL, "out of memory");
    ch_free(s->time_format);
    s->time_format = p;
    return CHORUS_OK;
}

/* A size: bytes, or a number with K, M, G or T (powers of 1024; "B" or "iB" may follow). */
static bool parse_size(const char *v, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*v < '0' || *v > '9')
        return false;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno)
        return false;
    int shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    default: break;
    }
    if (shift && (end[0] == 'i' || end[0] == 'I') && (end[1] == 'B' || end[1] == 'b'))
        end += 2;
    else if (*end == 'B' || *end == 'b')
        end++;
    if (*end || x > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)x << shift;
    return true;
}

#define MIN_MEMORY ((uint64_t)1 << 20)
#define MAX_MEMORY ((uint64_t)1 << 50)

static chorus_err set_memory(chorus_scan *s, const char *key, const char *v)
{
    (void)key;
    uint64_t x = 0;
    if (!strcasecmp(v, "auto")) {
        s->memory = 0;
        return CHORUS_OK;
    }
    if (!parse_size(v, &x) || x < MIN_MEMORY || x > MAX_MEMORY)
        return scan_fail(s, CHORUS_EUSAGE, NULL,
                         "memory takes auto or a size from 1M to 1P (2G, 500M, bytes), not '%s'",
                         v);
    s->memory = x;
    return CHORUS_OK;
}

uint64_t ch_api_memory_limit(const chorus_scan *s)
{
    if (s->memory)
        return s->memory;
    uint64_t phys = ch_phys_memory();
    return phys ? phys / 2 : 0;
}

/* The defaults are documented here and in chorus.h; "threshold"'s is the parroting stage's
 * (a unit test checks they agree). */
static const option options[] = {
    {{"format", "auto, or a format name (chorus_format_at)", "auto",
      "the format of inputs added without one; auto detects it per file"}, set_format},
    {{"map", "FIELD=COLUMN,... (id, author, author_id, time, text, kind, ref_id, ref_author, "
             "ref_author_id, lang, urls, hashtags, mentions, client)", "",
      "column map of table inputs added without one; repeatable, entries accumulate; implies "
      "format csv under auto"}, set_map},
    {{"time_format", "a strptime-like layout: %Y %y %m %d %H %I %M %S %f %p %b %a %z %Z %s %T",
      "", "table inputs: how their time cells are laid out (\"%m/%d/%Y %H:%M\"); cells it does "
      "not match are read as ISO 8601, Unix seconds or the Twitter form"}, set_time_format},
    {{"strict", "true or false", "false", "the first bad record stops the job"}, set_strict},
    {{"threads", "0 to 1024; 0 = all cores", "0",
      "worker threads (at most 16 are used); results never depend on it"}, set_threads},
    {{"window", "auto, seconds from 1 to 2592000, or BEHAVIOUR=SECONDS,... (repost=60,link=600)",
      "auto", "co-action window; auto estimates it from the data; a behaviour named gets its "
              "own fixed window"}, set_window},
    {{"behaviours", "all, or behaviour names separated by commas (repost, reply, quote, link, "
                    "hashtag, narrative, statement, mention, like, thread)", "all",
      "co-action behaviours looked at"}, set_behaviours},
    {{"min_events", "auto, or 1 to 1000000", "auto",
      "an edge needs this many distinct shared objects (auto: 1; an edge also needs 2 "
      "units of evidence, min_units); under compat, CooRTweet's "
      "min_participation or CNT's min_edge_weight (auto: 2)"}, set_min_events},
    {{"fdr", "auto, or a number in (0, 0.5]", "auto",
      "only co-action edges significant at this false discovery rate (Benjamini-Hochberg) "
      "reach the network; auto: the screened edges (p <= 0.01) and the network's own test"},
     set_fdr},
    {{"compat", "none, coortweet or cnt", "none",
      "reproduce the network of CooRTweet 2.1.3 or the Coordination Network Toolkit instead "
      "of chorus's tests (docs/coordination.md)"}, set_compat},
    {{"similarity", "a number in (0, 1]", "0.8",
      "compat cnt: Jaccard similarity of two posts' words for co_similar_tweet"},
     set_similarity},
    {{"threshold", "a number in (0, 1]", "0.60",
      "minimum similarity of a post to a statement it parrots (scan --match-threshold, "
      "match --threshold)"}, set_threshold},
    {{"all_matches", "true or false", "false",
      "match: every matching statement per post, not only the best"}, set_all_matches},
    {{"errors_per_file", "0 to 1000000", "100",
      "scan: bad records per file kept in the ingest_errors table"}, set_errors_per_file},
    {{"report", "a file path", "",
      "scan: also write the HTML report there"}, set_report},
    {{"force", "true or false", "false",
      "scan: replace an existing database or report file that chorus did not write"}, set_force},
    {{"memory", "auto, or a size from 1M (2G, 500M, bytes)", "auto",
      "memory budget (auto: half the physical memory); past half of it, post texts go to a "
      "temporary file in $TMPDIR mapped back, and narrative sketches and co-action events past "
      "their shares; results never depend on it"}, set_memory},
};
#define NOPTIONS (sizeof options / sizeof options[0])

const chorus_option_info *chorus_option_at(size_t i)
{
    return i < NOPTIONS ? &options[i].info : NULL;
}

const chorus_option_info *chorus_option_find(const char *key)
{
    for (size_t i = 0; key && i < NOPTIONS; i++)
        if (!strcmp(options[i].info.key, key))
            return &options[i].info;
    return NULL;
}

void ch_api_options_default(chorus_scan *s)
{
    ch_parrot_params pp;
    ch_parrot_params_default(&pp);
    s->format = NULL;
    memset(&s->map, 0, sizeof s->map);
    s->strict = s->all_matches = false;
    s->threads = 0;
    s->window = 0;
    memset(s->window_of, 0, sizeof s->window_of);
    s->behaviours = 0;
    s->min_events = 0;
    s->fdr = 0;
    s->compat = CH_COMPAT_NONE;
    s->similarity = 0;
    s->threshold = pp.threshold;
    s->errors_per_file = 100;
    s->report = NULL;
    s->force = false;
    s->memory = 0;
    s->time_format = NULL;
}

chorus_err chorus_scan_set(chorus_scan *s, const char *key, const char *value)
{
    if (!s)
        return CHORUS_EUSAGE;
    ch_error_clear(&s->err);
    if (!key || !value)
        return scan_fail(s, CHORUS_EUSAGE, NULL, "an option needs a key and a value");
    if (s->job != JOB_NONE)
        return scan_fail(s, CHORUS_EUSAGE, NULL, "option '%s' set after the job ran", key);
    for (size_t i = 0; i < NOPTIONS; i++)
        if (!strcmp(options[i].info.key, key))
            return options[i].set(s, key, value);
    char keys[256];
    size_t n = 0;
    for (size_t i = 0; i < NOPTIONS && n < sizeof keys; i++) {
        int k = snprintf(keys + n, sizeof keys - n, "%s%s", i ? ", " : "", options[i].info.key);
        if (k < 0)
            break;
        n += (size_t)k;
    }
    return scan_fail(s, CHORUS_EUSAGE, NULL, "unknown option '%s' (%s)", key, keys);
}

/* ---- formats ----------------------------------------------------------------------------- */

/* One public description per reader, built from the reader table once (the table is fixed at
 * build time). */
#define CH_READER(n) +1
enum { NREADERS = 0
#include "readers_list.h"
};
#undef CH_READER

static chorus_format_info format_infos[NREADERS > 0 ? NREADERS : 1];
static char format_aliases[NREADERS > 0 ? NREADERS : 1][96];
static pthread_once_t format_once = PTHREAD_ONCE_INIT;

static void format_fill(void)
{
    for (size_t i = 0; i < NREADERS && i < ch_reader_count(); i++) {
        const ch_reader *r = ch_reader_at(i);
        size_t n = 0;
        char *al = format_aliases[i];
        al[0] = '\0';
        for (const char *const *a = r->aliases; a && *a && n < sizeof format_aliases[i]; a++) {
            int k = snprintf(al + n, sizeof format_aliases[i] - n, "%s%s", n ? ", " : "", *a);
            if (k < 0)
                break;
            n += (size_t)k;
        }
        format_infos[i] = (chorus_format_info){r->name, r->platform ? r->platform : "",
                                               r->summary ? r->summary : "",
                                               r->example ? r->example : "", r->sniff != NULL, al};
    }
}

const chorus_format_info *chorus_format_at(size_t i)
{
    if (i >= NREADERS || i >= ch_reader_count())
        return NULL;
    pthread_once(&format_once, format_fill);
    return &format_infos[i];
}
