// Checks for the POSIX layer's test programs (tests/posix/px*.c).
//
// CHECK(condition) counts a pass, or counts a failure and prints the
// condition with its line and errno. CHECK_ERR(call, E) checks that a
// call returned -1 with errno E. CheckSummary prints the closing line
// "NAME: N passed, M failed" and gives the exit status.
#ifndef TESTS_POSIX_CHECK_H
#define TESTS_POSIX_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int checksPassed, checksFailed;

static void CheckReport(int ok, const char *what, int line)
{
    if (ok) {
        checksPassed++;
        return;
    }
    checksFailed++;
    printf("FAIL line %d: %s (errno %d: %s)\n", line, what, errno, strerror(errno));
}

#define CHECK(cond) CheckReport((cond) != 0, #cond, __LINE__)

#define CHECK_ERR(call, err) \
    do { \
        errno = 0; \
        long checkResult = (long)(call); \
        CheckReport(checkResult == -1 && errno == (err), #call " fails with " #err, __LINE__); \
    } while (0)

static int CheckSummary(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, checksPassed, checksFailed);
    return checksFailed ? 1 : 0;
}

#endif
