/*
 * json.cpp — the C adapter around simdjson's DOM parser (see json.h).
 *
 * Values are positions on simdjson's tape (document::tape, document::string_buf: public
 * members whose layout simdjson documents in doc/tape.md). Reading the tape directly lets a
 * value be a two-word POD that C copies freely, with no C++ object behind it:
 *
 *   tape[i] >> 56  type: 'r' root, '{' '}' '[' ']', '"' string, 'l' int64, 'u' uint64,
 *                  'd' double, 't' 'f' 'n'
 *   '{' / '['      low 32 bits: index just past the matching '}' / ']';
 *                  bits 32..55: number of fields / elements, saturated at 0xFFFFFF
 *   '"'            low 56 bits: offset into string_buf of a 4-byte little-endian length,
 *                  then the bytes, then a NUL
 *   'l' 'u' 'd'    the value is the next tape word
 *   root           tape[0] is 'r', the document's value starts at tape[1]
 *
 * No C++ exception can reach C: only simdjson's error-code API is used (all noexcept; it
 * allocates with std::nothrow and reports MEMALLOC), the parser is built with placement new
 * in memory from ch_malloc (dom::parser's constructor is noexcept), and nothing here uses
 * throwing standard-library calls.
 */
#include "core/json.h"

#include <simdjson.h>

#include <cstdio>
#include <cstring>
#include <new>

#include "chorus.h"
extern "C" {
#include "core/alloc.h" /* a C header without extern "C" of its own */
}

static_assert(simdjson::SIMDJSON_PADDING == CH_JSON_PADDING,
              "CH_JSON_PADDING must equal simdjson's padding");
static_assert(simdjson::SIMDJSON_VERSION_MAJOR == 3, "the tape layout read here is simdjson 3's");

namespace {

using simdjson::dom::document;

/* Parsers start small and grow to the largest document seen. A parser holds about 15 bytes
 * per byte of capacity (tape, strings, structural indexes), so after one 16 MiB line it would
 * keep ~250 MB for the rest of the file: once SHRINK_STREAK documents in a row have been far
 * smaller than the capacity, it is given back. The streak keeps alternating huge and small
 * lines from reallocating every time. */
constexpr size_t INITIAL_CAPACITY = 64 * 1024;
constexpr size_t SHRINK_ABOVE = 4 * 1024 * 1024;
constexpr unsigned SHRINK_STREAK = 64;

inline const document *D(const void *d) { return static_cast<const document *>(d); }
inline uint64_t word(const void *d, size_t i) { return D(d)->tape[i]; }
inline char tag_at(const void *d, size_t i) { return char(word(d, i) >> 56); }

/* Index of the tape word after the value at i. */
inline size_t after(const void *d, size_t i)
{
    uint64_t w = word(d, i);
    switch (char(w >> 56)) {
    case '{':
    case '[':
        return uint32_t(w);
    case 'l':
    case 'u':
    case 'd':
        return i + 2;
    default:
        return i + 1;
    }
}

inline void str_at(const void *d, size_t i, const char **s, size_t *n)
{
    size_t off = size_t(word(d, i) & simdjson::internal::JSON_VALUE_MASK);
    const uint8_t *b = D(d)->string_buf.get() + off;
    uint32_t len;
    std::memcpy(&len, b, sizeof len);
    *s = reinterpret_cast<const char *>(b + sizeof len);
    *n = len;
}

template <typename T> inline T next_word(const void *d, size_t i)
{
    static_assert(sizeof(T) == sizeof(uint64_t), "tape words are 64-bit");
    T x;
    std::memcpy(&x, &D(d)->tape[i + 1], sizeof x);
    return x;
}

ch_json_err map_error(simdjson::error_code e)
{
    switch (e) {
    case simdjson::SUCCESS: return CH_JSON_OK;
    case simdjson::DEPTH_ERROR: return CH_JSON_EDEPTH;
    case simdjson::UTF8_ERROR: return CH_JSON_EUTF8;
    case simdjson::MEMALLOC:
    case simdjson::CAPACITY: return CH_JSON_ENOMEM;
    default: return CH_JSON_ESYNTAX;
    }
}

/* Growable output buffer for ch_json_serialize, through the allocation choke point. */
struct outbuf {
    char *p = nullptr;
    size_t n = 0, cap = 0;
    bool failed = false;

    void put(const char *s, size_t k) noexcept
    {
        if (failed)
            return;
        size_t need;
        if (!ch_add_ok(n, k + 1, &need)) {
            failed = true;
            return;
        }
        if (need > cap) {
            size_t c = cap ? cap : 256;
            while (c < need) {
                if (!ch_mul_ok(c, 2, &c)) {
                    failed = true;
                    return;
                }
            }
            char *q = static_cast<char *>(ch_realloc(p, c));
            if (!q) {
                failed = true;
                return;
            }
            p = q;
            cap = c;
        }
        std::memcpy(p + n, s, k);
        n += k;
        p[n] = '\0';
    }
    void put1(char c) noexcept { put(&c, 1); }
};

void put_string(outbuf &o, const char *s, size_t n) noexcept
{
    static const char hex[] = "0123456789abcdef";
    o.put1('"');
    size_t run = 0; /* bytes copied verbatim in one go */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        o.put(s + run, i - run);
        run = i + 1;
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t k = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            k = 6;
        }
        o.put(esc, k);
    }
    o.put(s + run, n - run);
    o.put1('"');
}

/* Writes the tape range [i, end) that holds exactly one value. The tape is already in
 * document order, so a linear walk suffices; the only state is, per open container, whether
 * it is an object and whether the next item is its first. Depth is bounded by the parser's
 * max depth; a deeper tape (impossible for a parse with the default) is refused. */
int serialize(const void *d, size_t i, size_t end, outbuf &o) noexcept
{
    constexpr size_t MAXD = CH_JSON_MAX_DEPTH_DEFAULT + 2;
    static_assert(MAXD < 4096, "stack arrays below stay small");
    bool is_obj[MAXD];
    bool first[MAXD];
    bool expect_key[MAXD]; /* object: next string is a key */
    size_t depth = 0;
    char num[40];
    while (i < end && !o.failed) {
        char t = tag_at(d, i);
        if (t == '}' || t == ']') {
            if (depth == 0)
                return CHORUS_EINTERNAL;
            depth--;
            o.put1(t);
            i++;
            if (depth > 0 && is_obj[depth - 1])
                expect_key[depth - 1] = true;
            continue;
        }
        bool as_key = false;
        if (depth > 0) {
            size_t k = depth - 1;
            if (is_obj[k] && expect_key[k]) {
                if (!first[k])
                    o.put1(',');
                as_key = true;
            } else if (!is_obj[k] && !first[k]) {
                o.put1(',');
            }
            first[k] = false;
        }
        switch (t) {
        case '{':
        case '[':
            if (depth >= MAXD)
                return CHORUS_ELIMIT;
            o.put1(t);
            is_obj[depth] = (t == '{');
            first[depth] = true;
            expect_key[depth] = true;
            depth++;
            if (depth > 1 && is_obj[depth - 2])
                expect_key[depth - 2] = false;
            i++;
            continue;
        case '"': {
            const char *s;
            size_t n;
            str_at(d, i, &s, &n);
            put_string(o, s, n);
            if (as_key)
                o.put1(':');
            break;
        }
        case 'l': {
            int k = std::snprintf(num, sizeof num, "%lld", (long long)next_word<int64_t>(d, i));
            o.put(num, size_t(k));
            break;
        }
        case 'u': {
            int k = std::snprintf(num, sizeof num, "%llu",
                                  (unsigned long long)next_word<uint64_t>(d, i));
            o.put(num, size_t(k));
            break;
        }
        case 'd': {
            /* 17 significant digits round-trip every double. */
            int k = std::snprintf(num, sizeof num, "%.17g", next_word<double>(d, i));
            o.put(num, size_t(k));
            /* keep it a double when read back */
            if (!std::strpbrk(num, ".eE"))
                o.put(".0", 2);
            break;
        }
        case 't': o.put("true", 4); break;
        case 'f': o.put("false", 5); break;
        case 'n': o.put("null", 4); break;
        default: return CHORUS_EINTERNAL;
        }
        if (depth > 0 && is_obj[depth - 1])
            expect_key[depth - 1] = as_key ? false : true;
        i = (t == 'l' || t == 'u' || t == 'd') ? i + 2 : i + 1;
    }
    return o.failed ? CHORUS_ENOMEM : CHORUS_OK;
}

/* Key comparison inline: keys are short, and a library memcmp call costs more than the
 * compare itself. A mismatch is usually found at the first byte. */
inline bool same(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        /* whole words, then the last (overlapping) word: every read stays inside both */
        uint64_t x, y;
        for (size_t j = 0; j + 8 <= n; j += 8) {
            std::memcpy(&x, a + j, 8);
            std::memcpy(&y, b + j, 8);
            if (x != y)
                return false;
        }
        std::memcpy(&x, a + n - 8, 8);
        std::memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    for (size_t j = 0; j < n; j++)
        if (a[j] != b[j])
            return false;
    return true;
}

} // namespace

struct ch_json_parser {
    simdjson::dom::parser p;
    size_t max_depth;
    unsigned small_streak;  /* documents in a row below 1/8 of the capacity */
    char msg[160];          /* last error message, restyled */
};

extern "C" {

int ch_json_parser_new(size_t max_depth, ch_json_parser **out)
{
    *out = nullptr;
    if (max_depth == 0)
        max_depth = CH_JSON_MAX_DEPTH_DEFAULT;
    void *mem = ch_malloc(sizeof(ch_json_parser));
    if (!mem)
        return CHORUS_ENOMEM;
    ch_json_parser *jp = new (mem) ch_json_parser(); /* dom::parser() is noexcept */
    jp->msg[0] = '\0';
    jp->max_depth = max_depth;
    jp->small_streak = 0;
    /* Fixing the depth now matters: later growth (ensure_capacity) keeps the current one. */
    if (jp->p.allocate(INITIAL_CAPACITY, max_depth) != simdjson::SUCCESS) {
        jp->~ch_json_parser();
        ch_free(mem);
        return CHORUS_ENOMEM;
    }
    *out = jp;
    return CHORUS_OK;
}

void ch_json_parser_free(ch_json_parser *p)
{
    if (!p)
        return;
    p->~ch_json_parser();
    ch_free(p);
}

size_t ch_json_parser_capacity(const ch_json_parser *p)
{
    return p->p.capacity();
}

ch_json_err ch_json_parse(ch_json_parser *p, const char *buf, size_t len, bool padded,
                          ch_json_val *root, const char **msg)
{
    *root = ch_json_val{nullptr, 0};
    if (msg)
        *msg = nullptr;
    size_t cap = p->p.capacity();
    if (cap > SHRINK_ABOVE && len < cap / 8) {
        if (++p->small_streak >= SHRINK_STREAK) {
            size_t want = len > INITIAL_CAPACITY ? len : INITIAL_CAPACITY;
            p->small_streak = 0;
            simdjson::error_code e1 = p->p.allocate(want, p->max_depth);
            simdjson::error_code e2 = e1 ? e1 : p->p.doc.allocate(want);
            (void)e2; /* a failure is harmless: parse() below allocates what it needs */
        }
    } else {
        p->small_streak = 0;
    }
    /* realloc_if_needed = !padded: simdjson copies into its own padded buffer. */
    auto r = p->p.parse(buf, len, !padded);
    simdjson::error_code e = r.error();
    if (e) {
        /* Our messages start lowercase and have no full stop (STYLE.md); simdjson's do. */
        const char *m = simdjson::error_message(e);
        size_t n = std::strlen(m);
        if (n >= sizeof p->msg)
            n = sizeof p->msg - 1;
        std::memcpy(p->msg, m, n);
        while (n > 0 && (p->msg[n - 1] == '.' || p->msg[n - 1] == ' '))
            n--;
        p->msg[n] = '\0';
        if (p->msg[0] >= 'A' && p->msg[0] <= 'Z' && !(p->msg[1] >= 'A' && p->msg[1] <= 'Z'))
            p->msg[0] = char(p->msg[0] - 'A' + 'a');
        if (msg)
            *msg = p->msg;
        return map_error(e);
    }
    *root = ch_json_val{&p->p.doc, 1};
    return CH_JSON_OK;
}

bool ch_json_validate_utf8(const char *buf, size_t len)
{
    return simdjson::validate_utf8(buf, len);
}

ch_json_type ch_json_type_of(ch_json_val v)
{
    if (!v.doc)
        return CH_JSON_NONE;
    switch (tag_at(v.doc, v.i)) {
    case 'n': return CH_JSON_NULL;
    case 't':
    case 'f': return CH_JSON_BOOL;
    case 'l': return CH_JSON_INT64;
    case 'u': return CH_JSON_UINT64;
    case 'd': return CH_JSON_DOUBLE;
    case '"': return CH_JSON_STRING;
    case '[': return CH_JSON_ARRAY;
    case '{': return CH_JSON_OBJECT;
    default: return CH_JSON_NONE;
    }
}

bool ch_json_is_null(ch_json_val v)
{
    return v.doc && tag_at(v.doc, v.i) == 'n';
}

ch_json_val ch_json_getn(ch_json_val v, const char *key, size_t klen)
{
    if (!v.doc || tag_at(v.doc, v.i) != '{')
        return ch_json_val{nullptr, 0};
    size_t end = size_t(uint32_t(word(v.doc, v.i))) - 1; /* the '}' */
    for (size_t i = v.i + 1; i < end;) {
        const char *s;
        size_t n;
        str_at(v.doc, i, &s, &n);
        if (n == klen && std::memcmp(s, key, n) == 0)
            return ch_json_val{v.doc, i + 1};
        i = after(v.doc, i + 1);
    }
    return ch_json_val{nullptr, 0};
}

size_t ch_json_get_many(ch_json_val v, const ch_json_key *keys, size_t nkeys, ch_json_val *out)
{
    if (nkeys > CH_JSON_MAX_KEYS)
        nkeys = CH_JSON_MAX_KEYS;
    for (size_t k = 0; k < nkeys; k++)
        out[k] = ch_json_val{nullptr, 0};
    if (!v.doc || tag_at(v.doc, v.i) != '{' || nkeys == 0)
        return 0;
    /* Keys chained by length (lengths of 63 and more share a chain): a field is compared only
     * with the keys of its length, usually one or none. */
    constexpr uint8_t NIL = 0xff;
    uint8_t head[64], next[CH_JSON_MAX_KEYS];
    std::memset(head, NIL, sizeof head);
    for (size_t k = nkeys; k-- > 0;) {
        size_t b = keys[k].n < 63 ? keys[k].n : 63;
        next[k] = head[b];
        head[b] = uint8_t(k);
    }
    /* The tape and string buffer are read through locals: through the document, every store
     * to out[] would force the compiler to reload them (they might alias). */
    const uint64_t *tape = D(v.doc)->tape.get();
    const uint8_t *strings = D(v.doc)->string_buf.get();
    size_t found = 0;
    size_t end = size_t(uint32_t(tape[v.i])) - 1;
    for (size_t i = v.i + 1; i < end;) {
        const uint8_t *b = strings + size_t(tape[i] & simdjson::internal::JSON_VALUE_MASK);
        uint32_t n;
        std::memcpy(&n, b, sizeof n);
        const char *s = reinterpret_cast<const char *>(b + sizeof n);
        for (uint8_t k = head[n < 63 ? n : 63]; k != NIL; k = next[k]) {
            if (keys[k].n == n && !out[k].doc && same(keys[k].s, s, n)) {
                out[k] = ch_json_val{v.doc, i + 1};
                if (++found == nkeys)
                    return found;
                break;
            }
        }
        /* skip the value: containers jump past their end, numbers take two words */
        uint64_t w = tape[i + 1];
        char t = char(w >> 56);
        i = (t == '{' || t == '[') ? size_t(uint32_t(w)) : (t == 'l' || t == 'u' || t == 'd') ? i + 3 : i + 2;
    }
    return found;
}

ch_json_val ch_json_get(ch_json_val v, const char *key)
{
    return ch_json_getn(v, key, std::strlen(key));
}

ch_json_val ch_json_path(ch_json_val v, const char *path)
{
    const char *p = path;
    for (;;) {
        const char *dot = std::strchr(p, '.');
        size_t n = dot ? size_t(dot - p) : std::strlen(p);
        v = ch_json_getn(v, p, n);
        if (!dot || !v.doc)
            return v;
        p = dot + 1;
    }
}

bool ch_json_str(ch_json_val v, const char **s, size_t *n)
{
    if (!v.doc || tag_at(v.doc, v.i) != '"')
        return false;
    str_at(v.doc, v.i, s, n);
    return true;
}

bool ch_json_get_str(ch_json_val v, const char *key, const char **s, size_t *n)
{
    return ch_json_str(ch_json_get(v, key), s, n);
}

bool ch_json_bool(ch_json_val v, bool *out)
{
    if (!v.doc)
        return false;
    char t = tag_at(v.doc, v.i);
    if (t != 't' && t != 'f')
        return false;
    *out = (t == 't');
    return true;
}

bool ch_json_int64(ch_json_val v, int64_t *out)
{
    if (!v.doc)
        return false;
    char t = tag_at(v.doc, v.i);
    if (t == 'l') {
        *out = next_word<int64_t>(v.doc, v.i);
        return true;
    }
    /* simdjson writes 'u' only above INT64_MAX, which int64 cannot hold. */
    return false;
}

bool ch_json_uint64(ch_json_val v, uint64_t *out)
{
    if (!v.doc)
        return false;
    char t = tag_at(v.doc, v.i);
    if (t == 'u') {
        *out = next_word<uint64_t>(v.doc, v.i);
        return true;
    }
    if (t == 'l') {
        int64_t x = next_word<int64_t>(v.doc, v.i);
        if (x < 0)
            return false;
        *out = uint64_t(x);
        return true;
    }
    return false;
}

bool ch_json_double(ch_json_val v, double *out)
{
    if (!v.doc)
        return false;
    switch (tag_at(v.doc, v.i)) {
    case 'd': *out = next_word<double>(v.doc, v.i); return true;
    case 'l': *out = double(next_word<int64_t>(v.doc, v.i)); return true;
    case 'u': *out = double(next_word<uint64_t>(v.doc, v.i)); return true;
    default: return false;
    }
}

size_t ch_json_int_text(ch_json_val v, char *buf, size_t cap)
{
    if (!v.doc || cap < 21)
        return 0;
    char t = tag_at(v.doc, v.i);
    /* Digits are produced by hand: snprintf costs more than the rest of an id lookup. */
    char tmp[24];
    size_t k = sizeof tmp;
    uint64_t u;
    bool neg = false;
    if (t == 'u') {
        u = next_word<uint64_t>(v.doc, v.i);
    } else if (t == 'l') {
        int64_t x = next_word<int64_t>(v.doc, v.i);
        neg = x < 0;
        u = neg ? uint64_t(0) - uint64_t(x) : uint64_t(x);
    } else {
        return 0;
    }
    do {
        tmp[--k] = char('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg)
        tmp[--k] = '-';
    size_t n = sizeof tmp - k;
    std::memcpy(buf, tmp + k, n);
    buf[n] = '\0';
    return n;
}

size_t ch_json_len(ch_json_val v)
{
    if (!v.doc)
        return 0;
    uint64_t w = word(v.doc, v.i);
    char t = char(w >> 56);
    if (t != '{' && t != '[')
        return 0;
    size_t count = size_t((w >> 32) & simdjson::internal::JSON_COUNT_MASK);
    if (count < simdjson::internal::JSON_COUNT_MASK)
        return count;
    /* Saturated: count by walking. */
    ch_json_iter it;
    ch_json_iter_init(v, &it);
    size_t n = 0;
    for (size_t i = it.i; i < it.end; n++)
        i = (t == '{') ? after(v.doc, i + 1) : after(v.doc, i);
    return n;
}

bool ch_json_iter_init(ch_json_val v, ch_json_iter *it)
{
    it->doc = v.doc;
    it->i = it->end = 0;
    if (!v.doc)
        return false;
    uint64_t w = word(v.doc, v.i);
    char t = char(w >> 56);
    if (t != '{' && t != '[')
        return false;
    it->i = v.i + 1;
    it->end = size_t(uint32_t(w)) - 1; /* the closing '}' or ']' */
    return true;
}

bool ch_json_arr_next(ch_json_iter *it, ch_json_val *val)
{
    if (it->i >= it->end)
        return false;
    *val = ch_json_val{it->doc, it->i};
    it->i = after(it->doc, it->i);
    return true;
}

bool ch_json_obj_next(ch_json_iter *it, const char **key, size_t *klen, ch_json_val *val)
{
    if (it->i + 1 >= it->end || tag_at(it->doc, it->i) != '"')
        return false;
    str_at(it->doc, it->i, key, klen);
    *val = ch_json_val{it->doc, it->i + 1};
    it->i = after(it->doc, it->i + 1);
    return true;
}

int ch_json_serialize(ch_json_val v, char **out, size_t *len)
{
    *out = nullptr;
    *len = 0;
    outbuf o;
    int rc = v.doc ? serialize(v.doc, v.i, after(v.doc, v.i), o) : CHORUS_OK;
    if (rc == CHORUS_OK && !o.p)
        o.put("", 0); /* an absent value serializes as "" */
    if (rc == CHORUS_OK && o.failed)
        rc = CHORUS_ENOMEM;
    if (rc) {
        ch_free(o.p);
        return rc;
    }
    *out = o.p;
    *len = o.n;
    return CHORUS_OK;
}

} // extern "C"
