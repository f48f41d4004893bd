/* C twin of w_fib.thrust: the same recursive Fibonacci at run time, printing the same line.
 * The size comes from argv[1] (default: the bench size) so the compiler cannot fold the work. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t fib(int32_t n) {
    if (n < 2) return (uint64_t)n;
    return fib(n - 1) + fib(n - 2);
}

int main(int argc, char** argv) {
    int32_t n = argc > 1 ? (int32_t)atol(argv[1]) : 32;
    printf("fib(%d) = %lu\n", n, (unsigned long)fib(n));
    return 0;
}
