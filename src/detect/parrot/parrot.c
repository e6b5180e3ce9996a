/*
 * parrot.c — the parroting stage's entry points: the measured defaults, the stage in one call
 * (index the statements, match the corpus, drop the index), and the small accessors. The
 * module's parts, each with its own file (parrot.h is the contract, parrot_int.h the index
 * they share):
 *   parrot_index.c   the statement index (tokens, shingle postings, forward index, IDF);
 *   parrot_match.c   one post against the index (votes, anchor chains, gap alignment, spans);
 *   parrot_corpus.c  every post of a corpus on the workers of ch_parallel_for, reposts
 *                    attributed to their originals, ties resolved by context.
 * The statements come from ingest/statements.h (an input reader).
 */
#include "detect/parrot/parrot_int.h"

#include <string.h>

void ch_parrot_params_default(ch_parrot_params *p)
{
    /* measured in docs/parroting.md ("Choosing the parameters") */
    p->shingle = 2;
    p->threshold = 0.60;
    p->min_tokens = 6.0;
    p->subst_credit = 0.5;
    p->max_candidates = 8;
    p->vote_budget = 4096;
    p->max_post_tokens = 4096;
    p->lex = CH_LEX_ALL;
}

const ch_parrot_params *ch_parrot_params_of(const ch_parrot_index *ix) { return &ix->p; }
size_t ch_parrot_bytes(const ch_parrot_index *ix) { return ix ? ix->bytes : 0; }

int ch_parrot_before(const ch_statement *st, int64_t post_time)
{
    if (st->published_at == CH_UNKNOWN_I64 || post_time == CH_UNKNOWN_I64)
        return -1;
    return post_time < st->published_at ? 1 : 0;
}

int ch_parrot_run(const ch_stmtset *set, const ch_corpus *c, const ch_parrot_params *params,
                  const ch_parrot_corpus_opts *o, ch_parrot_result *out)
{
    ch_parrot_index *ix = NULL;
    int rc = ch_parrot_build(set, params, &ix);
    if (rc) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    rc = ch_parrot_match_corpus(ix, c, o, out);
    ch_parrot_free(ix);
    return rc;
}
