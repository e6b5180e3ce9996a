/*
 * chorus.h — public API of libchorus, a library that finds coordinated inauthentic behaviour
 * in dumps of social-media posts.
 *
 * Conventions (the whole library follows them):
 *  - every function that can fail returns a chorus_err (0 = CHORUS_OK) and writes results
 *    through OUT parameters; chorus_strerror() names a code;
 *  - handles are opaque and come in create/destroy pairs; destroy functions accept NULL;
 *  - the library never prints, exits or aborts: diagnostics reach the caller through callbacks.
 */
#ifndef CHORUS_H
#define CHORUS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum chorus_err {
    CHORUS_OK = 0,
    CHORUS_ENOMEM,   /* allocation failed or a size limit would overflow */
    CHORUS_EIO,      /* a file could not be opened, read or written */
    CHORUS_EFORMAT,  /* unknown or undetectable input format */
    CHORUS_EPARSE,   /* a malformed record (fatal only in strict mode) */
    CHORUS_ELIMIT,   /* input exceeds a documented limit */
    CHORUS_EUSAGE,   /* invalid argument or option */
    CHORUS_EDB,      /* the results database could not be written or read */
    CHORUS_EINTERNAL /* a bug or an error from a dependency */
} chorus_err;

const char *chorus_strerror(chorus_err e);
const char *chorus_version(void);

/* A corpus holds every post read, deduplicated by post id, with an account table. */
typedef struct chorus_corpus chorus_corpus;

chorus_err chorus_corpus_new(chorus_corpus **out);
void chorus_corpus_free(chorus_corpus *c);
size_t chorus_corpus_posts(const chorus_corpus *c);
size_t chorus_corpus_accounts(const chorus_corpus *c);

#ifdef __cplusplus
}
#endif
#endif
