/* C twin of w_floatloop.thrust: the same Mandelbrot count and midpoint integration, printing the
 * same line. The size comes from argv[1] (default: the bench size) so nothing is folded. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int64_t mandelbrot_iterations(int32_t grid, int32_t max_iter) {
    int64_t total = 0;
    for (int32_t py = 0; py < grid; py++) {
        double ci = -1.5 + 3.0 * (double)py / (double)grid;
        for (int32_t px = 0; px < grid; px++) {
            double cr = -2.0 + 3.0 * (double)px / (double)grid;
            double zr = 0.0, zi = 0.0;
            int32_t it = 0;
            while (it < max_iter && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                it++;
            }
            total += it;
        }
    }
    return total;
}

static double integrate_pi(int32_t steps) {
    double h = 1.0 / (double)steps, sum = 0.0;
    for (int32_t i = 0; i < steps; i++) {
        double x = ((double)i + 0.5) * h;
        sum += 4.0 / (1.0 + x * x);
    }
    return sum * h;
}

int main(int argc, char** argv) {
    int32_t grid = argc > 1 ? (int32_t)atol(argv[1]) : 500;
    printf("mandelbrot %dx%d: %ld iterations; pi ~ %.15f\n", grid, grid,
           (long)mandelbrot_iterations(grid, 64), integrate_pi(grid * grid * 4));
    return 0;
}
