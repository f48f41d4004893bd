/* C twin of w_intloop.thrust: the same Collatz / xorshift64 mix, printing the same line.
 * The size comes from argv[1] (default: the bench size) so the compiler cannot fold the work. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t collatz_mix(uint64_t count) {
    uint64_t hash = 88172645463325252ull, total_steps = 0;
    for (uint64_t start = 1; start < count; start++) {
        uint64_t n = start, steps = 0;
        while (n != 1) {
            if ((n & 1) == 0) n = n >> 1; else n = 3 * n + 1;
            steps++;
        }
        total_steps += steps;
        hash ^= steps + start * 0x9E3779B97F4A7C15ull;
        hash ^= hash << 13;
        hash ^= hash >> 7;
        hash ^= hash << 17;
    }
    return hash ^ total_steps;
}

int main(int argc, char** argv) {
    uint64_t count = argc > 1 ? (uint64_t)atoll(argv[1]) : 150000;
    printf("collatz/xorshift mix below %lu: %016lx\n", (unsigned long)count,
           (unsigned long)collatz_mix(count));
    return 0;
}
