#!/usr/bin/env python3
"""End-to-end tests: boot ClankerOS and use it through the shell.

Each suite boots once and types its commands over the serial port, as a
person at the console would, checking what comes back:

  shell    every builtin, every fs:root: and fs:temp: request and its
           errors (bin/fstest), each shell error line, aliases, a server
           killed while a client waits, out of memory in fs:temp:, a
           spawn/kill loop that must leave free memory as it was, and
           poweroff ending QEMU with status 0
  piped    `printf ... | make -s run`: a whole session from a pipe, ended
           by poweroff, and another ended by the end of its input
  extra    `make run EXTRA=DIR`: the files arrive byte for byte
  posix    Linux programs (static musl, tests/posix/) through the POSIX
           layer: run by posix:vfs: and fs:root: names, exit codes and
           signals, a console read, the pxfiles/pxmem/pxtls checks, free
           memory unchanged after them, 30000 random calls (pxfuzz) and
           the shell and the layer still answering

Logs: build/test-logs/e2e-*.log. Prints one PASS/FAIL line per check and
"e2e tests: N passed, M failed"; exit status 1 if any failed.
"""
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(__file__))
from session import BUILD, PROMPT, ROOT, Checks, Session, SessionError  # noqa: E402


def FreePages(s):
    out = s.run("cat proc:system:memory")
    m = re.search(r"free (\d+) pages", out)
    return int(m.group(1)) if m else None


def Background(s, command):
    """Start command in the background; return its pid."""
    out = s.run(command + " &")
    m = re.search(r"\[(\d+)\]", out)
    if not m:
        raise SessionError("no [PID] after %r: %r" % (command, out))
    return int(m.group(1))


def StartServer(s, prefix):
    """Start uecho holding writes on prefix; return its pid once it serves."""
    pid = Background(s, "run fs:root:bin/uecho %s hold" % prefix)
    for _ in range(50):
        if re.search(r"^%s\s+%d\s" % (re.escape(prefix), pid), s.run("ns"), re.M):
            return pid
    raise SessionError("uecho never served " + prefix)


def ShellBasics(s, c):
    hello = open(os.path.join(ROOT, "initrd", "hello.txt")).read()
    out = s.run("ls fs:root:")
    for entry in ("bin/", "etc/", "hello.txt", "home/"):
        c.check(entry in out.split("\n"), "ls fs:root: lists %s" % entry, out)
    c.equal(s.run("cat fs:root:hello.txt"), hello, "cat fs:root:hello.txt")
    c.equal(s.run("cat root:/hello.txt"), hello, "cat through the root:/ alias")
    c.contains(s.run("ls home:/"), "readme.txt", "ls through the home:/ alias")
    c.contains(s.run("ls fs:root:bin"), "hello", "user programs in fs:root:bin/")
    c.equal(s.run("echo one \"two  three\" > fs:temp:a.txt"), "", "echo > prints nothing")
    s.run("echo four >> fs:temp:a.txt")
    c.equal(s.run("cat fs:temp:a.txt"), "one two  three\nfour\n", "echo > and >> then cat")
    s.run("echo replaced > fs:temp:a.txt")
    c.equal(s.run("cat fs:temp:a.txt"), "replaced\n", "> truncates")
    c.equal(s.run("mkdir fs:temp:d"), "", "mkdir")
    s.run("echo x > root:/home/x.txt")
    c.equal(s.run("cat home:/x.txt"), "x\n", "write through one alias, read through another")
    s.run("rm home:/x.txt")
    out = s.run("ls fs:temp:")
    c.check("a.txt" in out.split("\n") and "d/" in out.split("\n"), "ls fs:temp:", out)
    c.equal(s.run("rm fs:temp:a.txt"), "", "rm")
    c.equal(s.run("cat fs:temp:a.txt"), "cat: fs:temp:a.txt: no such file\n",
            "cat after rm")
    s.run("echo m > home:/m.txt")
    c.equal(s.run("mv home:/m.txt root:/home/n.txt") + s.run("cat fs:root:home/n.txt"), "m\n",
            "mv with aliases on both sides")
    c.equal(s.run("mv fs:root:home/n.txt fs:temp:n.txt"),
            "mv: fs:root:home/n.txt: not on the same server\n", "mv across servers")
    s.run("rm fs:root:home/n.txt")
    c.equal(s.run("rmdir fs:temp:d"), "", "rmdir")
    c.equal(s.run("echo hi"), "hi\n", "echo to the console")
    c.equal(s.run("echo \"a > b & c # d\""), "a > b & c # d\n", "quoted operators are text")
    out = s.run("ps")
    c.matches(out, r"^\s*PID\s+NAME\s+STATE\s+MODE\s+PAGES", "ps header")
    for name in ("shell", "fsroot", "fstemp", "proc", "console"):
        c.matches(out, r"^\s*\d+\s+%s\s" % name, "ps lists %s" % name)
    out = s.run("ns")
    for prefix in ("fs:root:", "fs:temp:", "proc:", "console:"):
        c.contains(out, prefix, "ns lists %s" % prefix)
    out = s.run("alias")
    c.check("root:/" in out and "home:/" in out, "alias lists root:/ and home:/", out)
    s.run("alias t:/ fs:temp:")
    s.run("echo via alias > t:/v.txt")
    c.equal(s.run("cat fs:temp:v.txt"), "via alias\n", "a new alias works")
    s.run("unalias t:/")
    c.equal(s.run("cat t:/v.txt"), "cat: t:/v.txt: no such file\n", "unalias removes it")
    out = s.run("help")
    for command in ("ls", "cat", "echo", "rm", "mkdir", "ps", "ns", "run", "kill", "alias",
                    "help", "poweroff"):
        c.matches(out, r"^\s*%s\b" % command, "help mentions %s" % command)
    out = s.run("run fs:root:bin/hello a \"b c\"")
    c.check("argc 3" in out and "argv[2] = b c" in out, "run with quoted arguments", out)
    c.contains(s.run("hello"), "Hello from user mode", "a bare program name runs fs:root:bin/NAME")
    c.contains(s.run("run root:/bin/hello"), "Hello from user mode", "run through an alias")
    s.run("ps > fs:temp:ps.txt")
    c.matches(s.run("cat fs:temp:ps.txt"), r"PID\s+NAME", "a builtin's output redirected")
    out = s.run("ls proc:")
    c.check("list" in out and "system/" in out, "ls proc:", out)


def ShellErrors(s, c):
    lines = [
        ("cat fs:root:nope", "cat: fs:root:nope: no such file"),
        ("rm fs:root:etc", "rm: fs:root:etc: is a directory"),
        ("mkdir fs:root:bin", "mkdir: fs:root:bin: already exists"),
        ("ls fs:root:hello.txt", "ls: fs:root:hello.txt: not a directory"),
        ("rmdir fs:root:bin", "rmdir: fs:root:bin: directory not empty"),
        ("kill 9999", "kill: 9999: no such process"),
        ("kill abc", "kill: abc: not a number"),
        ("frob", "frob: no such command"),
        ("cat", "cat: missing name"),
        ("echo \"open", "shell: unterminated quote"),
        ("run fs:root:hello.txt", "run: fs:root:hello.txt: not an executable"),
        ("run fs:root:nothing", "run: fs:root:nothing: no such file"),
        ("echo x > nowhere:at/all", "echo: nowhere:at/all: no such file"),
        ("cat fs:root:bad//name", "cat: fs:root:bad//name: invalid argument"),
    ]
    for command, want in lines:
        c.equal(s.run(command), want + "\n", "error line for `%s`" % command)


def FsRequests(s, c):
    for prefix in ("fs:root:", "fs:temp:"):
        out = s.run("run fs:root:bin/fstest %s" % prefix, timeout=300)
        c.matches(out, r"fstest: %s: \d+ checks passed, 0 failed" % re.escape(prefix),
                  "every %s request and its errors, handle ownership, two clients "
                  "interleaving on one file" % prefix)
    out = s.run("run fs:root:bin/fsfill fs:temp:big", timeout=300)
    c.matches(out, r"fsfill: fs:temp:big: full after \d+ KiB \(error -(12|28)\)$",
              "fs:temp: out of memory is an error, not a crash")
    c.equal(s.run("echo still here > fs:temp:after.txt") + s.run("cat fs:temp:after.txt"),
            "still here\n", "fs:temp: serves on after running out")


def ServerKilled(s, c):
    server = StartServer(s, "slow:")
    Background(s, "run fs:root:bin/nsreq slow:x 2")     # MSG_WRITE: held forever
    out = s.run("ps")
    c.matches(out, r"^\s*\d+\s+nsreq\s+blocked", "the client waits on the server")
    out = s.run("kill %d" % server)
    what = "the waiting client gets E_PIPE when its server is killed"
    if re.search(r"^nsreq: slow:x: error -32$", out, re.M):
        c.check(True, what)
    else:
        try:
            s.wait_for(r"^nsreq: slow:x: error -32$", 30)
            c.check(True, what)
        except SessionError as e:
            c.check(False, what, e)
    c.equal(s.run("echo carry on"), "carry on\n", "the shell carries on")


def KillDuringLoad(s, c):
    """Kill a process while the kernel loads a program for it through IPC."""
    server = StartServer(s, "hold:")

    def Round():
        pid = Background(s, "run fs:root:bin/nsreq hold:prog spawn")
        s.run("echo wait")
        s.run("kill %d" % pid)
        s.run("echo settle")

    Round()                                         # warm the caches once
    before = FreePages(s)
    for _ in range(4):
        Round()
    after = FreePages(s)
    c.check(before is not None and before == after,
            "killed during a load through IPC: free pages before %s, after %s" % (before, after))
    s.run("kill %d" % server)
    c.equal(s.run("echo alive"), "alive\n", "the shell carries on")


def SpawnKillLoop(s, c):
    pid = Background(s, "run fs:root:bin/spin")       # warm the caches once
    s.run("kill %d" % pid)
    s.run("echo settle")
    before = FreePages(s)
    for _ in range(8):
        pid = Background(s, "run fs:root:bin/spin")
        s.run("kill %d" % pid)
    s.run("echo settle")
    after = FreePages(s)
    c.check(before is not None and before == after,
            "spawn/kill loop: free pages before %s, after %s" % (before, after))
    c.check(not re.search(r"^\s*\d+\s+spin\s", s.run("ps"), re.M), "no spin left in ps")


def BootAndRun(name, parts):
    """One boot: each part types its commands in turn, then poweroff."""
    c = Checks(name)
    s = Session(name)
    try:
        s.boot()
        c.check(True, "boots to the shell prompt")
        for part in parts:
            part(s, c)
        s.type("poweroff\n")
        c.equal(s.finish(60), 0, "poweroff ends QEMU with status 0")
    except SessionError as e:
        c.check(False, "session went as planned", e)
        s.kill()
    return c


def ShellSuite():
    return BootAndRun("e2e-shell", [ShellBasics, ShellErrors, FsRequests, ServerKilled,
                                    KillDuringLoad, SpawnKillLoop])


def PosixPrograms(s, c):
    """Linux programs through the POSIX layer: arguments, exits, signals."""
    c.equal(s.run("run posix:vfs:/bin/pxhello a b"),
            "hello from musl: argc 3\nargv[0] = posix:vfs:/bin/pxhello\nargv[1] = a\n"
            "argv[2] = b\nenv: (none)\n", "run posix:vfs:/bin/pxhello a b")
    c.contains(s.run("run fs:root:bin/pxhello"),
               "hello from musl: argc 1\nargv[0] = fs:root:bin/pxhello\n",
               "a Linux program loaded from fs:root: runs the same")
    c.contains(s.run("pxhello"), "hello from musl: argc 1",
               "a bare word runs a Linux program too")
    c.contains(s.run("run posix:vfs:/bin/pxhello exit 3"),
               "run: posix:vfs:/bin/pxhello: exit code 3", "exit(3) is the exit code")
    c.contains(s.run("run posix:vfs:/bin/pxhello abort"),
               "run: posix:vfs:/bin/pxhello: killed by signal 6", "abort() ends with SIGABRT")
    c.contains(s.run("run posix:vfs:/bin/pxhello term"),
               "run: posix:vfs:/bin/pxhello: killed by signal 15",
               "kill(getpid(), SIGTERM) ends with SIGTERM")
    start = s.seen
    s.type("run posix:vfs:/bin/pxhello read\n")
    s.wait_for(r"^pxhello: type a line$", 60)
    s.type("typed at the console\n")
    s.wait_for(re.escape(PROMPT) + r"\Z", 60)
    c.contains(s.text[start:s.seen], "pxhello: read 21 bytes: typed at the console\n",
               "read(0) gets a line typed at the console")
    # A console read waits without holding up the POSIX server: while the
    # foreground reader waits for a line, a background program's sleep
    # ends and it prints, and only then is the line typed.
    start = s.seen
    s.type("run posix:vfs:/bin/pxhello sleep 3000 &\n")
    s.wait_for(r"^\[\d+\]$", 60)
    s.type("run posix:vfs:/bin/pxhello read\n")
    s.wait_for(r"^pxhello: type a line$", 60)
    slept = s.wait_for(r"^pxhello: slept$", 60)
    s.type("second line\n")
    s.wait_for(re.escape(PROMPT) + r"\Z", 60)
    c.check(slept and "pxhello: read 12 bytes: second line\n" in s.text[start:s.seen],
            "another POSIX program runs on while one waits for a console line",
            s.text[start:s.seen])


def PosixVfs(s, c):
    """posix:vfs:/path from the shell: the POSIX tree as a namespace."""
    hello = open(os.path.join(ROOT, "initrd", "hello.txt")).read()
    c.equal(s.run("cat posix:vfs:/hello.txt"), hello, "cat posix:vfs:/hello.txt")
    out = s.run("ls posix:vfs:/proc")
    c.check("list" in out.split("\n") and "system/" in out.split("\n"), "ls posix:vfs:/proc", out)
    s.run("echo via vfs > posix:vfs:/tmp/v.txt")
    c.equal(s.run("cat fs:temp:v.txt"), "via vfs\n", "posix:vfs:/tmp/ is fs:temp:")
    c.equal(s.run("mv posix:vfs:/tmp/v.txt posix:vfs:/v.txt"),
            "mv: posix:vfs:/tmp/v.txt: not on the same server\n", "a rename across mounts")
    s.run("rm posix:vfs:/tmp/./v.txt")
    c.equal(s.run("cat fs:temp:v.txt"), "cat: fs:temp:v.txt: no such file\n",
            "rm through a normalised posix:vfs: path")
    # Every request of the protocol through posix:vfs:, handles included
    # (owned by their client, closed when it ends). The one expected
    # difference: a POSIX path may hold "//", so "bad//name" is valid.
    out = s.run("run fs:root:bin/fstest posix:vfs:/tmp/", timeout=300)
    fails = re.findall(r"^fstest: FAIL (.*)$", out, re.M)
    c.check(re.search(r"^fstest: posix:vfs:/tmp/: \d+ checks passed", out, re.M) and
            fails == ["malformed path (got -2)"],
            "the filesystem protocol through posix:vfs:, handle ownership included", out)


def PosixSuites(s, c):
    """The C test programs, a leak check, then the fuzzer."""
    for name in ("pxfiles", "pxmem", "pxtls", "pxpipe", "pxproc", "pxsignal", "pxspawn"):
        for how in ("posix:vfs:/bin/", "fs:root:bin/"):
            out = s.run("run %s%s" % (how, name), timeout=300)
            c.matches(out, r"^%s: [1-9]\d* passed, 0 failed$" % name,
                      "%s (run %s%s)" % (name, how, name))
    free = []
    for _ in range(3):
        for name in ("pxfiles", "pxmem", "pxtls", "pxhello"):
            s.run("run posix:vfs:/bin/%s" % name, timeout=300)
        s.run("echo settle")
        free.append(FreePages(s))
    c.check(None not in free and free[1] == free[2],
            "POSIX programs leave free memory as it was: free pages after each round %s" % free)
    out = s.run("run posix:vfs:/bin/pxfuzz", timeout=600)
    c.matches(out, r"^pxfuzz: 30000 calls, system still answering$",
              "30000 random int 0x80 calls, and the POSIX layer still answers", )
    c.equal(s.run("echo alive"), "alive\n", "the shell still answers after pxfuzz")
    c.contains(s.run("run posix:vfs:/bin/pxhello"), "hello from musl: argc 1",
               "a Linux program still runs after pxfuzz")
    c.matches(s.run("ps"), r"^\s*\d+\s+posix\s", "the POSIX server is still there")


def PosixSuite():
    return BootAndRun("e2e-posix", [PosixPrograms, PosixVfs, PosixSuites])


def MakeRun(stdin, extra=None):
    args = ["make", "-s", "run", "BUILD=" + BUILD] + (["EXTRA=" + extra] if extra else [])
    p = subprocess.run(args, input=stdin.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, cwd=ROOT, timeout=600)
    return p.returncode, p.stdout.decode("utf-8", "replace").replace("\r", "")


def PipedSuite():
    c = Checks("e2e-piped")
    status, out = MakeRun("ls fs:root:\ncat fs:root:hello.txt\npoweroff\n")
    open(os.path.join(BUILD, "test-logs", "e2e-piped.log"), "w").write(out)
    c.equal(status, 0, "printf '...poweroff' | make -s run exits 0")
    c.contains(out, PROMPT + "ls fs:root:\n", "the piped command is echoed after the prompt")
    c.contains(out, "hello.txt\n", "the piped ls ran")
    c.check(not re.search(r"^(make|  CC|  LD|qemu)", out, re.M),
            "only what ClankerOS prints", out)
    status, out = MakeRun("echo no poweroff here")        # no newline either
    open(os.path.join(BUILD, "test-logs", "e2e-piped-eof.log"), "w").write(out)
    c.equal(status, 0, "the end of input powers off with status 0")
    c.contains(out, "no poweroff here\n", "the command before the end ran")
    return c


def ExtraSuite():
    c = Checks("e2e-extra")
    extra = tempfile.mkdtemp(prefix="clankeros-extra-")
    try:
        rng = random.Random(5)
        blob = bytes(rng.randrange(256) for _ in range(200000))
        os.makedirs(os.path.join(extra, "bin"))
        os.makedirs(os.path.join(extra, "data", "deep"))
        open(os.path.join(extra, "data", "deep", "blob.bin"), "wb").write(blob)
        open(os.path.join(extra, "data", "empty"), "wb").close()
        shutil.copy(os.path.join(BUILD, "initrd", "bin", "hello"),
                    os.path.join(extra, "bin", "greet"))
        status, out = MakeRun("run fs:root:bin/sum fs:root:data/deep/blob.bin fs:root:data/empty\n"
                              "greet\npoweroff\n", extra)
        open(os.path.join(BUILD, "test-logs", "e2e-extra.log"), "w").write(out)
        c.equal(status, 0, "make -s run EXTRA=DIR exits 0")
        c.contains(out, "%08x %d fs:root:data/deep/blob.bin" % (zlib.crc32(blob), len(blob)),
                   "EXTRA file arrives byte for byte (CRC-32 and size)")
        c.contains(out, "00000000 0 fs:root:data/empty", "an empty EXTRA file stays empty")
        c.contains(out, "Hello from user mode", "EXTRA/bin/greet runs as a program")
    finally:
        shutil.rmtree(extra)
        subprocess.run(["make", "-s", "BUILD=" + BUILD, os.path.join(BUILD, "initrd.tar")], cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return c


def ForeignSuite():
    """Debian's static busybox for i386, a Linux program built elsewhere."""
    c = Checks("e2e-foreign")
    extra = os.path.join(BUILD, "foreign")
    hello = open(os.path.join(ROOT, "initrd", "hello.txt")).read()
    if not c.check(os.path.exists(os.path.join(extra, "bin", "busybox")),
                   "busybox fetched (tools/foreign-binaries.sh)"):
        return c
    status, out = MakeRun("run posix:vfs:/bin/busybox echo hello from busybox\n"
                          "run posix:vfs:/bin/busybox uname -s -m\n"
                          "run posix:vfs:/bin/busybox cat /hello.txt\n"
                          "run posix:vfs:/bin/busybox ls /etc\n"
                          "run posix:vfs:/bin/busybox wc -l /etc/boot.conf\n"
                          "run fs:root:bin/busybox sh -c \"echo $((6 * 7))\"\n"
                          "run posix:vfs:/bin/busybox false\n"
                          "echo after busybox\npoweroff\n", extra)
    open(os.path.join(BUILD, "test-logs", "e2e-foreign.log"), "w").write(out)
    lines = sum(1 for _ in open(os.path.join(ROOT, "initrd", "etc", "boot.conf")))
    c.equal(status, 0, "the session ends with status 0")
    c.contains(out, "\nhello from busybox\n", "busybox echo")
    c.contains(out, "\nClankerOS i686\n", "busybox uname -s -m")
    c.contains(out, hello, "busybox cat of a file of fs:root:")
    c.contains(out, "\nboot.conf\n", "busybox ls /etc")
    c.matches(out, r"^\s*%d /etc/boot.conf$" % lines, "busybox wc -l")
    c.contains(out, "\n42\n", "busybox sh -c with arithmetic")
    c.contains(out, "run: posix:vfs:/bin/busybox: exit code 1", "busybox false: exit code 1")
    c.contains(out, "\nafter busybox\n", "the shell carries on")
    return c


def main():
    suites = [ShellSuite, PipedSuite, ExtraSuite, PosixSuite, ForeignSuite]
    wanted = sys.argv[1:]
    passed = failed = 0
    for suite in suites:
        if wanted and suite.__name__[:-5].lower() not in wanted:
            continue
        c = suite()
        passed += c.passed
        failed += c.failed
    print("e2e tests: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
