/* C twin of w_sieve.thrust: the same sieve over a malloc'd byte array, printing the same line.
 * The size comes from argv[1] (default: the bench size) so the compiler cannot fold the work. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
    uint32_t limit = argc > 1 ? (uint32_t)atol(argv[1]) : 3000000;
    uint8_t* flags = malloc(limit);
    memset(flags, 1, limit);
    flags[0] = 0;
    flags[1] = 0;
    for (uint32_t i = 2; i * i < limit; i++)
        if (flags[i] != 0)
            for (uint32_t j = i * i; j < limit; j += i) flags[j] = 0;
    uint64_t count = 0, sum = 0;
    for (uint32_t i = 0; i < limit; i++)
        if (flags[i] != 0) {
            count += 1;
            sum += i;
        }
    free(flags);
    printf("primes below %u: %lu, sum %lu\n", limit, (unsigned long)count, (unsigned long)sum);
    return 0;
}
