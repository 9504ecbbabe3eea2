/* typo.c: edit distance bounded at 3, for "Did you mean" (typo.h). */
#include <string.h>

#include "common/typo.h"

#define TYPO_MAX_LEN 24

int xo_typo_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > TYPO_MAX_LEN || lb > TYPO_MAX_LEN)
        return 3;
    int row[TYPO_MAX_LEN + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            if (up + 1 < best)
                best = up + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb] < 3 ? row[lb] : 3;
}

bool xo_typo_close(const char *typed, const char *known)
{
    int d = xo_typo_distance(typed, known);
    return d > 0 && d <= (strlen(known) > 4 ? 2 : 1);
}
