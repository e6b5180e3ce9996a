/* rng.c — deterministic randomness for chorus-synth: splitmix64 seeding, xoshiro256**
 * streams, and the distributions the scenario model needs (lognormal, Pareto, Zipf, ...).
 * Never uses rand() or the clock: same seed, same numbers, on every run. */
#include "synth.h"

#include <math.h>
#include <stdlib.h>

uint64_t mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return mix64(h);
}

uint64_t hash3(uint64_t a, uint64_t b, uint64_t c)
{
    return mix64(mix64(mix64(a) ^ b) ^ c);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void rng_seed(Rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) {
        x += 0x9E3779B97F4A7C15ull;
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        r->s[i] = z ^ (z >> 31);
    }
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1;
}

Rng rng_for(uint64_t seed, uint64_t tag, uint64_t idx)
{
    Rng r;
    rng_seed(&r, hash3(seed, tag, idx));
    return r;
}

uint64_t rng_next(Rng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double rng_u01(Rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

uint32_t rng_below(Rng *r, uint32_t n)
{
    if (n <= 1)
        return 0;
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int64_t rng_range(Rng *r, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return lo;
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (int64_t)(rng_next(r) % span);
}

bool rng_chance(Rng *r, double p) { return rng_u01(r) < p; }

double rng_normal(Rng *r)
{
    double u1 = rng_u01(r);
    double u2 = rng_u01(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

double rng_lognormal(Rng *r, double median, double sigma) { return median * exp(sigma * rng_normal(r)); }

double rng_exp(Rng *r, double mean)
{
    double u = rng_u01(r);
    return -mean * log1p(-u);
}

double rng_pareto(Rng *r, double xm, double alpha)
{
    double u = rng_u01(r);
    return xm / pow(1.0 - u, 1.0 / alpha);
}

/* Zipf: cumulative tables cached per (n, s); lists are small and few. */
typedef struct {
    uint32_t n;
    double s;
    double *cdf;
} ZipfTab;
static ZipfTab ztab[256];
static int n_ztab;

uint32_t rng_zipf(Rng *r, uint32_t n, double s)
{
    if (n <= 1)
        return 0;
    ZipfTab *z = NULL;
    for (int i = 0; i < n_ztab; i++)
        if (ztab[i].n == n && ztab[i].s == s) {
            z = &ztab[i];
            break;
        }
    if (!z) {
        if (n_ztab == 256) {
            /* table cache full: fall back to an approximate inverse (never hit in practice) */
            double u = rng_u01(r);
            uint32_t k = (uint32_t)(pow((double)n + 1.0, u)) - 1;
            return k < n ? k : n - 1;
        }
        z = &ztab[n_ztab++];
        z->n = n;
        z->s = s;
        z->cdf = xmalloc(sizeof(double) * n);
        double acc = 0;
        for (uint32_t k = 0; k < n; k++) {
            acc += 1.0 / pow((double)(k + 1), s);
            z->cdf[k] = acc;
        }
        for (uint32_t k = 0; k < n; k++)
            z->cdf[k] /= acc;
    }
    double u = rng_u01(r);
    uint32_t lo = 0, hi = n - 1;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (z->cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint32_t rng_weighted(Rng *r, const double *w, uint32_t n)
{
    double tot = 0;
    for (uint32_t i = 0; i < n; i++)
        tot += w[i] > 0 ? w[i] : 0;
    if (tot <= 0)
        return rng_below(r, n);
    double u = rng_u01(r) * tot;
    for (uint32_t i = 0; i < n; i++) {
        double x = w[i] > 0 ? w[i] : 0;
        if (u < x)
            return i;
        u -= x;
    }
    return n - 1;
}

void rng_shuffle(Rng *r, uint32_t *a, uint32_t n)
{
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = rng_below(r, i);
        uint32_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

void base62(uint64_t h, char *out, int n)
{
    static const char al[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    uint64_t cur = 0;
    for (int i = 0; i < n; i++) {
        if (i % 10 == 0)
            cur = mix64(h + (uint64_t)i * 0x9E3779B97F4A7C15ull); /* fresh bits every 10 digits */
        out[i] = al[cur % 62];
        cur /= 62;
    }
    out[n] = 0;
}
