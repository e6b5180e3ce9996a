/*
 * json.h — a thin C adapter around simdjson's DOM parser, for the JSON-based readers.
 *
 * C code never sees C++: a parser is an opaque handle, a value is a small POD (document +
 * position) that is copied freely. A parser is reused from line to line and keeps its memory,
 * so parsing line after line allocates nothing (after an unusually large document it gives
 * the extra memory back; see ch_json_parser_capacity).
 *
 * Lifetime: every value, and every string pointer obtained from a value, borrows from the
 * parser and stays valid until the next ch_json_parse on that parser (or its free).
 *
 * Lookups: ch_json_get scans an object's fields (O(fields)); a reader that wants many fields
 * of one object takes them in one walk with ch_json_get_many (or ch_json_obj_next).
 *
 * Limits: nesting deeper than the parser's max depth (default 1024) is an error
 * (CH_JSON_EDEPTH), not a crash. Documents up to 4 GiB. Numbers: integers must fit in
 * int64/uint64 (larger ones are a parse error, as in simdjson); others are doubles.
 *
 * No function here throws, prints or aborts.
 */
#ifndef CH_JSON_H
#define CH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* simdjson reads up to 64 bytes past the end of its input (SIMDJSON_PADDING, checked equal at
 * compile time in json.cpp). Lines from ch_input_line carry CH_INPUT_PADDING >= this many
 * readable bytes (readers check it with a static assertion), so they parse in place. */
#define CH_JSON_PADDING 64
#define CH_JSON_MAX_DEPTH_DEFAULT 1024

typedef struct ch_json_parser ch_json_parser;

typedef enum ch_json_type {
    CH_JSON_NONE = 0,   /* no value: a failed lookup, or the end of an iteration */
    CH_JSON_NULL,
    CH_JSON_BOOL,
    CH_JSON_INT64,
    CH_JSON_UINT64,     /* only integers above INT64_MAX */
    CH_JSON_DOUBLE,
    CH_JSON_STRING,
    CH_JSON_ARRAY,
    CH_JSON_OBJECT
} ch_json_type;

/* A value inside a parsed document. {NULL, 0} is "no value" (CH_JSON_NONE); every accessor
 * accepts it and answers "absent", so lookups can be chained without checks. */
typedef struct ch_json_val {
    const void *doc;
    size_t i;           /* position on simdjson's tape */
} ch_json_val;

/* Iteration state over an array or object; see ch_json_iter_init. */
typedef struct ch_json_iter {
    const void *doc;
    size_t i, end;
} ch_json_iter;

/* Why a parse failed. */
typedef enum ch_json_err {
    CH_JSON_OK = 0,
    CH_JSON_ESYNTAX,    /* malformed JSON (includes empty input and bad numbers) */
    CH_JSON_EDEPTH,     /* nested deeper than the parser's max depth */
    CH_JSON_EUTF8,      /* invalid UTF-8 */
    CH_JSON_ENOMEM,     /* out of memory, or the document exceeds the parser's capacity */
} ch_json_err;

/* Creates a parser; max_depth 0 = CH_JSON_MAX_DEPTH_DEFAULT. Returns 0 or CHORUS_ENOMEM. */
int ch_json_parser_new(size_t max_depth, ch_json_parser **out);
void ch_json_parser_free(ch_json_parser *p);  /* NULL is fine */

/* Largest document (bytes) the parser takes without allocating; it holds roughly 15 bytes of
 * memory per byte of this. Grows with the input, and shrinks again after a run of documents
 * far below it. */
size_t ch_json_parser_capacity(const ch_json_parser *p);

/* Parses buf[0..len). When `padded` is true the caller promises CH_JSON_PADDING readable bytes
 * after buf[len] (ch_input_line gives this) and nothing is copied; otherwise the parser copies
 * the input into its own padded buffer first.
 * Returns CH_JSON_OK and the document's root in *root, or an error with a short message in
 * *msg (simdjson's wording restyled, e.g. "the input is not valid UTF-8"), valid until the
 * next parse; msg may be NULL.
 * Cost: O(len), no allocation once the parser has seen a document this large. */
ch_json_err ch_json_parse(ch_json_parser *p, const char *buf, size_t len, bool padded,
                          ch_json_val *root, const char **msg);

/* True when buf[0..len) is valid UTF-8 (simdjson's SIMD validator). */
bool ch_json_validate_utf8(const char *buf, size_t len);

/* ---- values ------------------------------------------------------------------------------ */

ch_json_type ch_json_type_of(ch_json_val v);
static inline bool ch_json_present(ch_json_val v) { return v.doc != NULL; }
bool ch_json_is_null(ch_json_val v);

/* Object field by key (the first one if the key repeats); no value if v is not an object or has
 * no such key. `key` is NUL-terminated for ch_json_get. O(fields). */
ch_json_val ch_json_get(ch_json_val v, const char *key);
ch_json_val ch_json_getn(ch_json_val v, const char *key, size_t klen);
/* Follows a dotted path of object keys, e.g. "user.id_str". Keys with dots cannot be named. */
ch_json_val ch_json_path(ch_json_val v, const char *path);

/* Scalars. Each returns false (and leaves *out alone) when v has another type.
 * ch_json_str: the string's bytes, not NUL-terminated by contract (they are in practice), may
 * contain NUL bytes from \u0000. ch_json_int64 accepts any integer that fits int64;
 * ch_json_uint64 any non-negative integer; ch_json_double any number. */
bool ch_json_str(ch_json_val v, const char **s, size_t *n);
bool ch_json_bool(ch_json_val v, bool *out);
bool ch_json_int64(ch_json_val v, int64_t *out);
bool ch_json_uint64(ch_json_val v, uint64_t *out);
bool ch_json_double(ch_json_val v, double *out);

/* An integer value as decimal text into buf (at least 21 bytes); returns the length, or 0 when
 * v is not an integer. JSON integers have one spelling, so this is the text as written. */
size_t ch_json_int_text(ch_json_val v, char *buf, size_t cap);

/* Many keys in one pass: out[i] = the value of keys[i] in object v (the first if the key
 * repeats), or no value; at most CH_JSON_MAX_KEYS keys. Returns how many were found. This is
 * how readers take the fields they want from a large object: one walk over its fields, each
 * compared only with the wanted keys of the same length (usually one or none).
 * Cost: O(fields × keys of equal length); stops early once every key is found. */
typedef struct ch_json_key {
    const char *s;
    size_t n;
} ch_json_key;
#define CH_JSON_KEY(lit) {(lit), sizeof(lit) - 1}
#define CH_JSON_MAX_KEYS 64
size_t ch_json_get_many(ch_json_val v, const ch_json_key *keys, size_t nkeys, ch_json_val *out);

/* Shortcuts: string field `key` of object v (false if absent or not a string). */
bool ch_json_get_str(ch_json_val v, const char *key, const char **s, size_t *n);

/* Number of elements of an array or fields of an object (O(1) below 2^24, else a walk);
 * 0 for other types. */
size_t ch_json_len(ch_json_val v);

/* ---- iteration ----------------------------------------------------------------------------
 *     ch_json_iter it;
 *     if (ch_json_iter_init(obj, &it))
 *         while (ch_json_obj_next(&it, &k, &kn, &val)) ...
 * ch_json_iter_init returns false (and an empty iterator) when v is neither array nor object.
 * Using ch_json_obj_next on an array iterator or the reverse gives nonsense but stays in
 * bounds. */
bool ch_json_iter_init(ch_json_val v, ch_json_iter *it);
bool ch_json_arr_next(ch_json_iter *it, ch_json_val *val);
bool ch_json_obj_next(ch_json_iter *it, const char **key, size_t *klen, ch_json_val *val);

/* ---- output -------------------------------------------------------------------------------- */

/* Writes v as minified JSON into a new NUL-terminated buffer (*out, length *len) that the
 * caller releases with ch_free. Used by tests to cut bodies out of recorded API responses.
 * Returns 0, CHORUS_ENOMEM, or CHORUS_ELIMIT (nesting deeper than CH_JSON_MAX_DEPTH_DEFAULT). */
int ch_json_serialize(ch_json_val v, char **out, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
