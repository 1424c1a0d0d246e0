// Jobs: the programs of a pipeline, waited for or left running.
//
// A foreground job is waited for here, with its pids given to the
// console (CONSOLE_MSG_SET_FOREGROUND) so that a ^C typed meanwhile ends
// them (or sends SIGINT to POSIX ones) and not the shell; the list is
// cleared once they have all ended. A job started with '&' goes into a
// small table: the shell prints "[PID]" (the last program's pid), `jobs`
// lists the table, `wait` waits for all of it or for one pid or %N, and
// before each prompt the ended ones are collected (JobsReap) without a
// word, so nothing is printed in the middle of another command's output.
#include "shell.h"

#define JOBS_MAX  16
#define LOOSE_MAX 64            // background pids with no job slot: reaped, never listed
#define JOB_TEXT  64

typedef struct Job {
    int id;                     // %N; 0: a free slot
    int count;
    int pids[JOB_PIDS_MAX];     // <= 0: never started
    int ended[JOB_PIDS_MAX];    // collected
    int status;                 // $? of its last program, once it has ended
    char text[JOB_TEXT];        // the command, for jobs
} Job;

static Job jobs[JOBS_MAX];
static int nextJobId = 1;
static int loose[LOOSE_MAX];

// A slot for a new job: a free one, else one whose job has ended.
static Job *JobSlot(void)
{
    for (int i = 0; i < JOBS_MAX; i++)
        if (!jobs[i].id)
            return &jobs[i];
    for (int i = 0; i < JOBS_MAX; i++) {
        int running = 0;
        for (int k = 0; k < jobs[i].count; k++)
            running |= jobs[i].pids[k] > 0 && !jobs[i].ended[k];
        if (!running)
            return &jobs[i];
    }
    return NULL;
}

// Keep pids of a job that found no slot, so they are still reaped.
static void Loosen(const int *pids, int count)
{
    for (int i = 0; i < count; i++)
        for (int k = 0; pids[i] > 0 && k < LOOSE_MAX; k++)
            if (loose[k] <= 0) {
                loose[k] = pids[i];
                break;
            }
}

void ConsoleSetMode(uint32_t flags)
{
    ConsoleMode mode = { flags };

    Call(consoleName, CONSOLE_MSG_SET_MODE, &mode, sizeof(mode));
}

// Tell the console which processes a ^C is for (count 0: none).
static void SetForeground(const int *pids, int count)
{
    ConsoleForeground f = { 0, { 0 } };

    for (int i = 0; i < count && f.count < CONSOLE_FOREGROUND_MAX; i++)
        if (pids[i] > 0)
            f.pids[f.count++] = (uint32_t)pids[i];
    Call(consoleName, CONSOLE_MSG_SET_FOREGROUND, &f, sizeof(uint32_t) * (1 + f.count));
}

int JobsWaitForeground(const int *pids, const char *const *names, const char *const *labels,
                       int count)
{
    int status = 0, waitStatus;

    SetForeground(pids, count);
    for (int i = 0; i < count; i++) {
        if (pids[i] <= 0) {
            status = 127;                   // it never started; already reported
            continue;
        }
        status = SysWait(pids[i], &waitStatus) == pids[i] ? StatusOf(names[i], labels[i], waitStatus)
                                                          : 127;
    }
    SetForeground(NULL, 0);
    return status;
}

void JobsStart(const int *pids, int count, const char *text)
{
    Job *j = NULL;
    int last = 0;

    for (int i = 0; i < count; i++)
        if (pids[i] > 0)
            last = pids[i];

    if (!(j = JobSlot()))
        Loosen(pids, count);
    if (j) {
        j->id = nextJobId++;
        j->count = count;
        j->status = 0;
        for (int i = 0; i < count; i++) {
            j->pids[i] = pids[i];
            j->ended[i] = 0;
        }
        Format(j->text, sizeof(j->text), "%s", text);
    }
    Out("[%d]\n", last);
}

// Collect what has ended of job j (wait: block until all of it has).
// Returns 1 once nothing of it runs.
static int JobCollect(Job *j, int wait)
{
    int running = 0, waitStatus;

    for (int i = 0; i < j->count; i++) {
        int pid = j->pids[i], got;
        if (pid <= 0 || j->ended[i])
            continue;
        got = wait ? SysWait(pid, &waitStatus) : SysWaitOptions(pid, &waitStatus, WAIT_NOHANG);
        if (got == pid || got < 0) {
            j->ended[i] = 1;
            if (i == j->count - 1 && got == pid)
                j->status = WAIT_IF_EXITED(waitStatus) ? WAIT_EXIT_CODE(waitStatus)
                                                       : 128 + WAIT_TERM_SIGNAL(waitStatus);
        } else {
            running = 1;
        }
    }
    return !running;
}

void JobsReap(void)
{
    for (int i = 0; i < JOBS_MAX; i++)
        if (jobs[i].id)
            JobCollect(&jobs[i], 0);
    for (int k = 0; k < LOOSE_MAX; k++)
        if (loose[k] > 0 && SysWaitOptions(loose[k], NULL, WAIT_NOHANG) != 0)
            loose[k] = 0;
}

void CmdJobs(const Args *c)
{
    (void)c;
    for (int i = 0; i < JOBS_MAX; i++) {
        Job *j = &jobs[i];
        if (!j->id)
            continue;
        if (JobCollect(j, 0)) {
            Out("[%d] done (%d) %s\n", j->id, j->status, j->text);
            j->id = 0;
        } else {
            Out("[%d] running %s\n", j->id, j->text);
        }
    }
}

// The job %N or the one holding pid N named by word, or NULL.
static Job *JobNamed(const char *word)
{
    int n;

    if (ParseInt(word[0] == '%' ? word + 1 : word, &n) != 0)
        return NULL;
    for (int i = 0; i < JOBS_MAX; i++) {
        if (!jobs[i].id)
            continue;
        if (word[0] == '%' && jobs[i].id == n)
            return &jobs[i];
        for (int k = 0; word[0] != '%' && k < jobs[i].count; k++)
            if (jobs[i].pids[k] == n)
                return &jobs[i];
    }
    return NULL;
}

// wait: every job; wait N...: pid N's job or %N. $? is the last one's status.
void CmdWait(const Args *c)
{
    int status = 0;

    for (int i = 0; c->argc == 1 && i < JOBS_MAX; i++)
        if (jobs[i].id) {
            JobCollect(&jobs[i], 1);
            status = jobs[i].status;
            jobs[i].id = 0;
        }
    for (int a = 1; a < c->argc; a++) {
        Job *j = JobNamed(c->argv[a]);
        if (!j) {
            FailText("wait", c->argv[a], "no such job");
            continue;
        }
        JobCollect(j, 1);
        status = j->status;
        j->id = 0;
    }
    if (status != 0 && !builtinFailed)
        builtinFailed = status;
}
