// System-call wrappers and small helpers for user programs (include/lib/user.h).
//
// Each wrapper is one int 0x40: the call number in eax, arguments in ebx,
// ecx, edx, esi, edi; the result comes back in eax and every other
// register is preserved, so eax is the only register the asm changes.
// "memory" tells the compiler the kernel may read or write any memory the
// pointers reach.
#include <stdarg.h>
#include <lib/format.h>
#include <lib/user.h>

// SYS_EXIT; loops in case the kernel ever returns.
void SysExit(int code)
{
    for (;;) {
        int eax = SYS_EXIT;
        __asm__ volatile("int $0x40" : "+a"(eax) : "b"(code) : "memory");
    }
}

// SYS_DEBUG_WRITE: write text[0..length) to the debug console.
int SysDebugWrite(const char *text, uint32_t length)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_DEBUG_WRITE), "b"(text), "c"(length)
                     : "memory");
    return result;
}

// SYS_GETPID: the caller's pid.
int SysGetPid(void)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(SYS_GETPID) : "memory");
    return result;
}

// SYS_YIELD: let another thread run.
int SysYield(void)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(SYS_YIELD) : "memory");
    return result;
}

// SYS_SLEEP: block for at least milliseconds ms.
int SysSleep(uint32_t milliseconds)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_SLEEP), "b"(milliseconds)
                     : "memory");
    return result;
}

// SYS_SPAWN: start path with argv and envp (NULL: no environment);
// returns the child's pid or E_*.
int SysSpawnEnv(const char *path, const char *const *argv, const char *const *envp)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_SPAWN), "b"(path), "c"(argv), "d"(envp)
                     : "memory");
    return result;
}

// SYS_SPAWN with no environment.
int SysSpawn(const char *path, const char *const *argv)
{
    return SysSpawnEnv(path, argv, NULL);
}

// SYS_SPAWN_CONTEXT: start path with request's argv, envp, context, flags.
int SysSpawnContext(const char *path, const SpawnRequest *request)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_SPAWN_CONTEXT), "b"(path), "c"(request)
                     : "memory");
    return result;
}

// SYS_RESUME: start a suspended child.
int SysResume(int pid)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(SYS_RESUME), "b"(pid) : "memory");
    return result;
}

// SYS_CONTEXT_GET: the caller's working directory and streams.
int SysContextGet(ProcessContext *out)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(SYS_CONTEXT_GET), "b"(out) : "memory");
    return result;
}

// SYS_CONTEXT_SET: replace them.
int SysContextSet(const ProcessContext *context)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(SYS_CONTEXT_SET), "b"(context) : "memory");
    return result;
}

// SYS_WAIT: wait for child pid (-1: any); its wait status goes to *status.
int SysWaitOptions(int pid, int *status, uint32_t options)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_WAIT), "b"(pid), "c"(status), "d"(options)
                     : "memory");
    return result;
}

// SYS_WAIT with no options: block until the child ends.
int SysWait(int pid, int *status)
{
    return SysWaitOptions(pid, status, 0);
}

// SYS_KILL: kill process pid.
int SysKill(int pid)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_KILL), "b"(pid)
                     : "memory");
    return result;
}

// SYS_UPTIME: milliseconds since boot.
uint32_t SysUptime(void)
{
    uint32_t result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(SYS_UPTIME) : "memory");
    return result;
}

// SYS_GETPPID: the parent's pid (0: none).
int SysGetPpid(void)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(SYS_GETPPID) : "memory");
    return result;
}

// Decimal with optional '-'; every character must be a digit; the value
// must fit in an int (INT_MIN included).
int ParseInt(const char *s, int *out)
{
    int negative = 0;
    uint32_t limit = 0x7fffffffu;
    uint32_t value = 0;

    if (s == NULL || out == NULL)
        return -1;
    if (*s == '-') {
        negative = 1;
        limit = 0x80000000u;
        s++;
    }
    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        uint32_t digit = (uint32_t)(*s - '0');
        if (value > (limit - digit) / 10)
            return -1;
        value = value * 10 + digit;
    }
    *out = negative ? (int)(0u - value) : (int)value;
    return 0;
}

// SYS_NS_REGISTER: serve every name starting with prefix.
int SysNsRegister(const char *prefix, uint32_t handler)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_NS_REGISTER), "b"(prefix), "c"(handler)
                     : "memory");
    return result;
}

// SYS_NS_UNREGISTER: stop serving prefix.
int SysNsUnregister(const char *prefix)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_NS_UNREGISTER), "b"(prefix)
                     : "memory");
    return result;
}

// SYS_IPC_SEND: send request to name, wait for the reply; returns its length.
int SysIpcSend(const char *name, const Message *request, Message *reply,
               uint32_t replyCapacity, uint32_t timeoutMs)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_IPC_SEND), "b"(name), "c"(request), "d"(reply),
                       "S"(replyCapacity), "D"(timeoutMs)
                     : "memory");
    return result;
}

int SysIpcConnect(const char *name)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(SYS_IPC_CONNECT), "b"(name) : "memory");
    return result;
}

int SysIpcCall(int handle, const Message *request, Message *reply, uint32_t replyCapacity,
               uint32_t timeoutMs)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_IPC_CALL), "b"(handle), "c"(request), "d"(reply),
                       "S"(replyCapacity), "D"(timeoutMs)
                     : "memory");
    return result;
}

int SysIpcDisconnect(int handle)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(SYS_IPC_DISCONNECT), "b"(handle)
                     : "memory");
    return result;
}

int SysIpcReplyWait(uint32_t requestId, const Message *reply, const IpcReceiveArgs *receive)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_IPC_REPLY_WAIT), "b"(requestId), "c"(reply), "d"(receive)
                     : "memory");
    return result;
}

// SYS_IPC_RECEIVE: wait for a request; returns its length.
int SysIpcReceive(Message *buffer, uint32_t capacity, IpcEnvelope *envelope)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_IPC_RECEIVE), "b"(buffer), "c"(capacity), "d"(envelope)
                     : "memory");
    return result;
}

// SYS_IPC_REPLY: answer request requestId with reply.
int SysIpcReply(uint32_t requestId, const Message *reply)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_IPC_REPLY), "b"(requestId), "c"(reply)
                     : "memory");
    return result;
}

// SYS_IPC_NOTIFY: queue a completion notice for process pid.
int SysIpcNotify(uint32_t pid, uint32_t jobId, int32_t value)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_IPC_NOTIFY), "b"(pid), "c"(jobId), "d"(value)
                     : "memory");
    return result;
}

// SYS_MEM_MAP: zeroed pages at addr.
int SysMemMap(uint32_t addr, uint32_t length, uint32_t prot)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result)
                     : "a"(SYS_MEM_MAP), "b"(addr), "c"(length), "d"(prot) : "memory");
    return result;
}

// SYS_MEM_UNMAP: give pages back.
int SysMemUnmap(uint32_t addr, uint32_t length)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result)
                     : "a"(SYS_MEM_UNMAP), "b"(addr), "c"(length) : "memory");
    return result;
}

// SYS_IPC_WATCH_EXITS: exit notices from now on.
int SysIpcWatchExits(void)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(SYS_IPC_WATCH_EXITS) : "memory");
    return result;
}

// SYS_IPC_WAIT_NOTIFY: wait for a notice (timeoutMs 0: forever).
int SysIpcWaitNotify(IpcNotification *out, uint32_t timeoutMs)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_IPC_WAIT_NOTIFY), "b"(out), "c"(timeoutMs)
                     : "memory");
    return result;
}

// --- asynchronous jobs (include/clanker/job.h) --------------------------------

// SYS_IPC_JOB_CREATE: lend [buffer, buffer + length) to the server of name.
int SysIpcJobCreate(const char *name, const void *buffer, uint32_t length, uint32_t access,
                    uint32_t *server)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_IPC_JOB_CREATE), "b"(name), "c"(buffer), "d"(length),
                       "S"(access), "D"(server)
                     : "memory");
    return result;
}

// SYS_IPC_JOB_DROP: forget a job of one's own.
int SysIpcJobDrop(uint32_t jobId)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(SYS_IPC_JOB_DROP), "b"(jobId) : "memory");
    return result;
}

// SYS_IPC_NOTICE_POLL: the next notice, without waiting.
int SysIpcNoticePoll(IpcNotification *out)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(SYS_IPC_NOTICE_POLL), "b"(out) : "memory");
    return result;
}

// SYS_IPC_JOB_QUERY: the facts of a job lent to the caller.
int SysIpcJobQuery(uint32_t jobId, IpcJobFacts *out)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_IPC_JOB_QUERY), "b"(jobId), "c"(out)
                     : "memory");
    return result;
}

// SYS_IPC_JOB_READ: bytes of the client's buffer into the caller's.
int SysIpcJobRead(uint32_t jobId, uint32_t offset, void *to, uint32_t length)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_IPC_JOB_READ), "b"(jobId), "c"(offset), "d"(to), "S"(length)
                     : "memory");
    return result;
}

// SYS_IPC_JOB_WRITE: bytes of the caller's into the client's buffer.
int SysIpcJobWrite(uint32_t jobId, uint32_t offset, const void *from, uint32_t length)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_IPC_JOB_WRITE), "b"(jobId), "c"(offset), "d"(from), "S"(length)
                     : "memory");
    return result;
}

// SYS_IPC_JOB_FINISH: end a job; its client gets value.
int SysIpcJobFinish(uint32_t jobId, int32_t value)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_IPC_JOB_FINISH), "b"(jobId), "c"(value)
                     : "memory");
    return result;
}

// SYS_IPC_RECEIVE_POLL: a request already queued, or E_AGAIN.
int SysIpcReceivePoll(Message *buffer, uint32_t capacity, IpcEnvelope *envelope)
{
    int result;
    __asm__ volatile("int $0x40"
                     : "=a"(result)
                     : "a"(SYS_IPC_RECEIVE_POLL), "b"(buffer), "c"(capacity), "d"(envelope)
                     : "memory");
    return result;
}
