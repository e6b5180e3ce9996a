/*
 * hash.h — small integer hash mixing shared by the detectors.
 *
 * ch_mix64 is the splitmix64 finalizer: a bijection on 64-bit words that spreads keys which are
 * small consecutive ids over a power-of-two table, and serves as the step of a splitmix64
 * generator. Header only, no state: safe from any thread. Cost O(1).
 */
#ifndef CH_HASH_H
#define CH_HASH_H

#include <stdint.h>

static inline uint64_t ch_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

#endif
