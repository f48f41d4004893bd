/* C twin of w_sort.thrust: the same generator, quicksort and checksum, printing the same line.
 * The size comes from argv[1] (default: the bench size) so the compiler cannot fold the work. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void insertion_sort(uint32_t* a, int64_t lo, int64_t hi) {
    for (int64_t i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        int64_t j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void swap(uint32_t* a, int64_t i, int64_t j) {
    uint32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static void quick_sort(uint32_t* a, int64_t lo, int64_t hi) {
    if (hi - lo < 16) {
        insertion_sort(a, lo, hi);
        return;
    }
    int64_t mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    uint32_t pivot = a[mid];
    int64_t i = lo - 1, j = hi + 1;
    for (;;) {
        i += 1;
        while (a[i] < pivot) i += 1;
        j -= 1;
        while (a[j] > pivot) j -= 1;
        if (i >= j) break;
        swap(a, i, j);
    }
    quick_sort(a, lo, j);
    quick_sort(a, j + 1, hi);
}

static uint64_t sort_checksum(int64_t count) {
    uint32_t* a = malloc((size_t)count * sizeof(uint32_t));
    uint32_t x = 2463534242u;
    for (int64_t i = 0; i < count; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        a[i] = x;
    }
    quick_sort(a, 0, count - 1);
    uint64_t sum = 0;
    for (int64_t i = 0; i < count; i++) {
        if (i > 0 && a[i - 1] > a[i]) {
            free(a);
            return 0;
        }
        sum += (uint64_t)a[i] * (uint64_t)(i + 1);
    }
    free(a);
    return sum;
}

int main(int argc, char** argv) {
    int64_t count = argc > 1 ? (int64_t)atoll(argv[1]) : 300000;
    printf("sorted %ld values, checksum %lu\n", (long)count, (unsigned long)sort_checksum(count));
    return 0;
}
