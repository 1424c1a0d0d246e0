#!/usr/bin/env python3
"""End-to-end tests: boot ClankerOS and use it through the shell.

Each suite boots once and types its commands over the serial port, as a
person at the console would, checking what comes back. The suites boot
the test initrd (build/initrd-test.tar: the product's files and the test
programs), all but those that test `make run` itself (piped, extra,
foreign, shellplus's piped session), which boots the product initrd:

  shell    every builtin, every fs:root: and fs:temp: request and its
           errors (bin/fstest), their asynchronous reads and writes
           (bin/asynctest), each shell error line, aliases, a server
           killed while a client waits, out of memory in fs:temp:, a
           spawn/kill loop that must leave free memory as it was, and
           poweroff ending QEMU with status 0
  piped    `printf ... | make -s run`: a whole session from a pipe, ended
           by poweroff, and another ended by the end of its input
  extra    `make run EXTRA=DIR`: the files arrive byte for byte
  fat      a FAT12 image made by mkfs.fat and mtools, served by a RAM
           block device (tests/programs/blkram.c) and mounted with the
           shell's mount: long names and nested directories read, files
           and directories written, moved and removed through the shell,
           a read-only mount, a volume that does not mount, sync/umount,
           bin/asynctest on a volume of its own whose server it kills
           with a job pending;
           then the written sectors (printed by blkram at each sync) are
           applied to the image on the host, which must pass fsck.fat -n
           and hold exactly what was written, as mtools reads it
  scsi     a virtio-scsi controller with three disks (block:scsi:0.0.0
           FAT32, 0.1.0 with 4 KiB blocks, 0.2.3): mount, long names,
           writes checked by fsck.fat and mtools; the fault paths
           (tests/e2e/scsi_suite.py)
  nvme     two NVMe controllers (block:nvme:0, 1): blktest info, check,
           pattern, errors; the images checked on the host afterwards
  floppy   drive A writable, drive B read-only (block:floppy:a, b): the
           same, and E_ROFS on B
  posix    Linux programs (static musl, tests/posix/) through the POSIX
           layer: run by posix:vfs: and fs:root: names, exit codes and
           signals, a console read, the pxfiles/pxmem/pxtls checks, free
           memory unchanged after them, 30000 random calls (pxfuzz) and
           the shell and the layer still answering
  desktop  -vga std and the QEMU monitor: the window server, two windows
           of bin/wintest listed, seen in screendumps, dragged with the
           monitor's mouse, moved with `echo move`, bad requests, the
           client killed, free memory as before, keys into the terminal,
           the screen read as a PPM equal to the screendump
           (tests/e2e/desktop_suite.py)
  ide      IDE disks attached to QEMU (primary master and slave, a
           129 GiB sparse secondary master for LBA48): ls block:, cat
           pci:, bin/blktest patterns and every block protocol error on
           each, the patterns found in the image files on the host after
           poweroff and nothing else changed; a second boot with an
           ATAPI drive (a disc made with xorriso) and no master

Logs: build/test-logs/e2e-*.log. Prints one PASS/FAIL line per check and
"e2e tests: N passed, M failed"; exit status 1 if any failed.
"""
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.dirname(__file__))
from session import BUILD, PROMPT, ROOT, TEST_INITRD, Checks, Session, SessionError  # noqa: E402
from platform_suite import PlatformSuite  # noqa: E402
from shellplus import ShellplusSuite  # noqa: E402
from busybox import BusyboxSuite  # noqa: E402
from scsi_suite import ScsiSuite  # noqa: E402
from usb_suite import UsbSuite  # noqa: E402
from display_suite import DisplaySuite  # noqa: E402
from desktop_suite import DesktopSuite  # noqa: E402


def FreePages(s):
    out = s.run("cat proc:system:memory")
    m = re.search(r"free (\d+) pages", out)
    return int(m.group(1)) if m else None


def FreePagesAgain(s, before, tries=5):
    """Free pages, measured again (1 s apart, at most tries times) while
    they differ from before: what others hold for a moment (a driver
    still probing at boot, a block on its way to being freed) is given
    back by then, a leak is not."""
    after = FreePages(s)
    for _ in range(tries):
        if after == before:
            break
        time.sleep(1)
        after = FreePages(s)
    return after


def Background(s, command):
    """Start command in the background; return its pid. The program may
    print right after the shell's prompt, so the prompt is waited for
    where it is, not at the end of the output."""
    s.type(command + " &\n")
    m = s.wait_for(r"^\[(\d+)\]\n", 120)
    s.wait_for(re.escape(PROMPT), 120)
    return int(m.group(1))


def StartServer(s, prefix):
    """Start uecho holding writes on prefix; return its pid once it serves.
    Its "serving" line may come before or after the shell's next prompt,
    so it is waited for, and a command after it finds the prompt again."""
    start = s.seen
    pid = Background(s, "run fs:root:bin/uecho %s hold" % prefix)
    line = "uecho: serving %s\n" % prefix
    with s.lock:
        printed = line in s.text[start:]
    if not printed:
        s.wait_for(re.escape(line), 60)
    s.run("echo synced")
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
        ("mv fs:root:x", "mv: missing name"),
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
        c.matches(out, r"fstest: %s: [1-9]\d* checks passed, 0 failed" % re.escape(prefix),
                  "every %s request and its errors, handle ownership, two clients "
                  "interleaving on one file" % prefix)
    out = s.run("run fs:root:bin/fsfill fs:temp:big", timeout=300)
    c.matches(out, r"fsfill: fs:temp:big: full after \d+ KiB \(error -(12|28)\)$",
              "fs:temp: out of memory is an error, not a crash")
    c.equal(s.run("echo still here > fs:temp:after.txt") + s.run("cat fs:temp:after.txt"),
            "still here\n", "fs:temp: serves on after running out")


def AsyncJobs(s, c):
    """bin/asynctest on both RAM filesystems: 1 MiB asynchronous reads and
    writes while the program runs on, waits, cancels, every malformed
    request, bad buffers, clients that end with jobs pending. Run twice:
    the second run leaves free memory as the first left it."""
    out = s.run("run fs:root:bin/asynctest fs:root: fs:temp:", timeout=600)
    for prefix in ("fs:root:", "fs:temp:"):
        c.matches(out, r"^asynctest: %s: [1-9]\d* checks passed, 0 failed \([1-9]\d* iterations"
                  % re.escape(prefix),
                  "%s: MSG_READ_ASYNC/MSG_WRITE_ASYNC of 1 MiB while the client runs on, "
                  "cancel, bad requests and buffers, ended clients" % prefix)
    before = FreePages(s)
    out = s.run("run fs:root:bin/asynctest fs:root: fs:temp:", timeout=600)
    after = FreePagesAgain(s, before)
    c.check(out.count(" checks passed, 0 failed") == 2 and before is not None and before == after,
            "asynctest again: free pages before %s, after %s" % (before, after), out)


def ServerKilled(s, c):
    server = StartServer(s, "slow:")
    Background(s, "run fs:root:bin/nsreq slow:x 2")     # MSG_WRITE: held forever
    # The client runs in the background: it may not have sent yet when the
    # first ps runs. Ask a few times; a client that never blocks still fails.
    for _ in range(20):
        out = s.run("ps")
        if re.search(r"^\s*\d+\s+nsreq\s+blocked", out, re.M):
            break
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
    """Kill a process while the kernel loads a program for it through IPC.

    The server never answers and keeps what it holds until it ends, so
    free memory is compared with no server running: before it starts and
    after it is killed. One whole cycle of the same rounds comes first, so
    the kernel heap has reached the size those rounds need: it gives back
    pages only from its top, and a first peak that leaves a live block up
    there would read as a leak. A real leak still shows: it grows again."""

    def Cycle(rounds):
        server = StartServer(s, "hold:")
        for _ in range(rounds):
            pid = Background(s, "run fs:root:bin/nsreq hold:prog spawn")
            s.run("echo wait")
            s.run("kill %d" % pid)
        s.run("kill %d" % server)
        s.run("echo settle")

    Cycle(4)
    before = FreePages(s)
    Cycle(4)
    after = FreePagesAgain(s, before)
    c.check(before is not None and before == after,
            "killed during a load through IPC: free pages before %s, after %s" % (before, after))
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


def BootAndRun(name, parts, extra_args=()):
    """One boot: each part types its commands in turn, then poweroff."""
    c = Checks(name)
    s = Session(name, extra_args=extra_args)
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
    return BootAndRun("e2e-shell", [ShellBasics, ShellErrors, FsRequests, AsyncJobs,
                                    ServerKilled, KillDuringLoad, SpawnKillLoop])


def PosixPrograms(s, c):
    """Linux programs through the POSIX layer: arguments, exits, signals."""
    c.equal(s.run("export GREETING=hello"), "", "export GREETING=hello")
    c.equal(s.run("run posix:vfs:/bin/pxhello a b"),
            "hello from musl: argc 3\nargv[0] = posix:vfs:/bin/pxhello\nargv[1] = a\n"
            "argv[2] = b\nenv: PATH=/bin\nenv: HOME=/home\nenv: TERM=vt100\nenv: GREETING=hello\n",
            "run posix:vfs:/bin/pxhello a b: arguments and the shell's environment")
    c.equal(s.run("export GREETING=again 1BAD=x"), "export: 1BAD=x: not NAME=VALUE\n",
            "export replaces a value; a bad name is one error line")
    s.run("unset GREETING TERM")
    c.equal(s.run("env"), "PATH=/bin\nHOME=/home\n", "env after unset")
    c.equal(s.run("run fs:root:bin/pxhello"),
            "hello from musl: argc 1\nargv[0] = fs:root:bin/pxhello\nenv: PATH=/bin\n"
            "env: HOME=/home\n", "run fs:root:bin/pxhello: the same environment")
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
    c.check("meminfo" in out.split("\n") and "1/" in out.split("\n"), "ls posix:vfs:/proc", out)
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
    c.check(re.search(r"^fstest: posix:vfs:/tmp/: [1-9]\d* checks passed", out, re.M) and
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


# --- IDE disks (drivers/ide, servers/block, drivers/pci, bin/blktest) -------

def PatternWord(seed, sector, index):
    """tests/programs/blktest.c's PatternWord: word index of sector."""
    m = 0xffffffff
    x = seed ^ ((sector & m) * 0x9e3779b1 & m) ^ (((sector >> 32) & m) * 0x7feb352d & m) ^ \
        (index * 0x85ebca77 & m)
    x ^= x >> 16
    x = x * 0x21f0aaad & m
    x ^= x >> 15
    x = x * 0x735a2d97 & m
    x ^= x >> 15
    return x


def PatternBytes(seed, first, count, sector_size=512):
    out = bytearray()
    for sector in range(first, first + count):
        for w in range(sector_size // 4):
            out += PatternWord(seed, sector, w).to_bytes(4, "little")
    return bytes(out)


def Drive(path, index, media="disk"):
    return ["-drive", "file=%s,format=raw,if=ide,index=%d,media=%s" % (path, index, media)]


# The images of the main boot: (device, file, size, patterns as
# (first, count, seed)). 0.1.0 is over 2^28 sectors, so a pattern across
# sector 2^28 goes through LBA48; 0.1.1 is left empty on purpose.
IDE_DISKS = [
    ("0.0.0", "master.img", 16 << 20, [(0, 2048, 11), (32768 - 120, 120, 12)]),
    ("0.0.1", "slave.img", 4 << 20, [(1000, 300, 13)]),
    ("0.1.0", "big.img", 129 << 30, [(268435400, 200, 14), (0, 16, 15)]),
]


def IdeImages(directory):
    """Make the images: the small ones full of random bytes, the big one sparse."""
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    rng = random.Random(7)
    before = {}
    for device, name, size, _ in IDE_DISKS:
        path = os.path.join(directory, name)
        if size <= 64 << 20:
            before[device] = bytes(rng.getrandbits(8) for _ in range(size))
            open(path, "wb").write(before[device])
        else:
            with open(path, "wb") as f:
                f.truncate(size)
    return before


def IdeDevices(s, c):
    out = s.run("ls block:")
    c.equal(out, "".join("ide:%s\n" % d[0] for d in IDE_DISKS),
            "ls block: lists exactly the attached disks (no 0.1.1)")
    c.equal(s.run("ls block:ide:"), "".join("%s\n" % d[0] for d in IDE_DISKS), "ls block:ide:")
    out = s.run("cat pci:")
    c.matches(out, r"^00:01\.1 8086:7010 01/01/80 ", "cat pci: lists the PIIX IDE controller")
    c.matches(out, r"^BB:DD\.F ", "cat pci: has its header line")
    c.matches(out, r"^00:03\.0 8086:100e 02/00/00 irq \d+ bar0 mem 0x[0-9a-f]+ size 0x20000",
              "cat pci: shows the network card's IRQ and BAR sizes")
    c.contains(s.run("ls pci:"), "00:01.1\n", "ls pci: lists 00:01.1")
    c.equal(s.run("cat pci:00:01.1").split(" ")[:3], ["00:01.1", "8086:7010", "01/01/80"],
            "cat pci:00:01.1 gives its line")
    for name, want in (("pci:00:1f.7", "-2"), ("pci:zz", "-2"), ("pci:", "-22")):
        c.contains(s.run("run fs:root:bin/nsreq %s 5" % name), "error %s" % want,
                   "MSG_QUERY to %s is error %s" % (name, want))
    c.contains(s.run("run fs:root:bin/nsreq pci:00:01.1 5"), "reply 6, 88 bytes",
               "MSG_QUERY to pci:00:01.1 gives a PciFunction")
    c.equal(s.run("ls pci:00:01.1"), "ls: pci:00:01.1: not a directory\n", "ls of a function")
    for name in ("block:ide:0.1.1", "block:ide:1.0.0", "block:ide:0.0.0x", "block:usb:1"):
        c.contains(s.run("run fs:root:bin/nsreq %s 5" % name), "error -2",
                   "%s is not registered (E_NOENT)" % name)
    for device, _, size, _ in IDE_DISKS:
        c.matches(s.run("blktest block:ide:%s info" % device),
                  r"^blktest: block:ide:%s: %d sectors of 512 bytes .*flags 0x0, "
                  r"model \"QEMU HARDDISK\"$" % (re.escape(device), size // 512),
                  "blktest info of %s: size and model" % device)


def IdeTransfers(s, c):
    for device, _, _, patterns in IDE_DISKS:
        for first, count, seed in patterns:
            c.matches(s.run("blktest block:ide:%s pattern %d %d %d" % (device, first, count, seed),
                            timeout=300),
                      r"^blktest: block:ide:%s: pattern: %d sectors from %d match seed %d$" %
                      (re.escape(device), count, first, seed),
                      "pattern on %s: %d sectors from %d written and read back" %
                      (device, count, first))
        first, count, seed = patterns[0]
        c.matches(s.run("blktest block:ide:%s check %d %d %d" % (device, first, count, seed + 1)),
                  r"^blktest: block:ide:%s: check: sector %d differs" % (re.escape(device), first),
                  "check with another seed finds the difference on %s" % device)
    for device, _, _, _ in IDE_DISKS:
        out = s.run("blktest block:ide:%s errors" % device, timeout=300)
        c.matches(out, r"^blktest: block:ide:%s: errors: 2\d passed, 0 failed$" % re.escape(device),
                  "every error case of block.h on %s" % device)


def IdeHostCheck(c, directory, before):
    """After poweroff: the patterns are in the image files, nothing else changed."""
    for device, name, size, patterns in IDE_DISKS:
        with open(os.path.join(directory, name), "rb") as f:
            for first, count, seed in patterns:
                f.seek(first * 512)
                c.check(f.read(count * 512) == PatternBytes(seed, first, count),
                        "host: %s holds the pattern of sectors %d+%d" % (name, first, count))
            if device in before:
                f.seek(0)
                now = bytearray(f.read())
                was = bytearray(before[device])
                for first, count, _ in sorted(patterns, reverse=True):   # the end first
                    now[first * 512:(first + count) * 512] = b""
                    was[first * 512:(first + count) * 512] = b""
                c.check(now == was, "host: the rest of %s is as it was" % name)


def IdeCdrom(c, directory):
    """A second boot: no primary master, an ATAPI drive with a disc as primary slave."""
    content = os.path.join(directory, "cd")
    os.makedirs(content)
    open(os.path.join(content, "readme.txt"), "w").write("a disc\n" * 20000)
    iso = os.path.join(directory, "disc.iso")
    made = shutil.which("xorriso") and subprocess.run(
        ["xorriso", "-as", "mkisofs", "-quiet", "-o", iso, content],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    if not made:
        print("SKIPPED e2e-ide-cd: xorriso is not installed (not counted)")
        return
    sectors = os.path.getsize(iso) // 2048

    def Cd(s, c):
        out = s.run("ls block:")
        c.check("ide:0.0.1" in out.split("\n") and "ide:0.0.0" not in out.split("\n"),
                "a slave without a master is found; the absent master is not listed", out)
        c.matches(s.run("blktest block:ide:0.0.1 info"),
                  r"^blktest: block:ide:0.0.1: %d sectors of 2048 bytes .*flags 0x7 read-only "
                  r"removable atapi, model \"QEMU DVD-ROM\"$" % sectors,
                  "the ATAPI drive: capacity of the disc, 2048-byte sectors, model")
        out = s.run("blktest block:ide:0.0.1 errors", timeout=300)
        c.matches(out, r"^blktest: block:ide:0.0.1: errors: 2\d passed, 0 failed$",
                  "every error case on the ATAPI drive (reads E_NODEV, writes E_ROFS)")

    sub = BootAndRun("e2e-ide-cd", [Cd], Drive(iso, 1, "cdrom"))
    c.passed += sub.passed
    c.failed += sub.failed


def IdeSuite():
    directory = os.path.join(BUILD, "ide-test")
    before = IdeImages(directory)
    args = []
    for index, (_, name, _, _) in enumerate(IDE_DISKS):
        args += Drive(os.path.join(directory, name), index)
    c = BootAndRun("e2e-ide", [IdeDevices, IdeTransfers], args)
    IdeHostCheck(c, directory, before)
    IdeCdrom(c, directory)
    shutil.rmtree(directory, ignore_errors=True)
    return c


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


MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", LC_ALL="C.UTF-8",
                  PATH=os.environ.get("PATH", "/usr/bin") + ":/usr/sbin:/sbin")


def Tool(*args):
    """Run a host tool (mkfs.fat, fsck.fat, mtools); return (status, output)."""
    p = subprocess.run(args, env=MTOOLS_ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def FatImage(path):
    """A 1440 KiB FAT12 image with long names and nested directories."""
    Tool("mkfs.fat", "-C", "-F", "12", "-n", "CLANKER", path, "1440")
    work = os.path.dirname(path)
    files = {
        "Long Name Document.txt": b"A document with a long name.\n",
        "README.TXT": b"read me first\n",
        "Nested Dir/Inner Dir/deep file.txt": b"deep inside\n",
        "Nested Dir/Sixty Thousand.bin": bytes((i * 7 + 3) & 0xff for i in range(60000)),
    }
    Tool("mmd", "-i", path, "::/Nested Dir", "::/Nested Dir/Inner Dir")
    for name, data in files.items():
        host = os.path.join(work, "host.bin")
        open(host, "wb").write(data)
        Tool("mcopy", "-i", path, host, "::/" + name)
    return files


def ApplyDumps(text, image):
    """Apply blkram's "blkram: SECTOR OFFSET HEX" lines to image; return how many."""
    lines = re.findall(r"^blkram: 0 (\d+) (\d+) ([0-9a-f]{128})$", text, re.M)
    with open(image, "r+b") as f:
        for sector, offset, data in lines:
            f.seek(int(sector) * 512 + int(offset))
            f.write(bytes.fromhex(data))
    return len(lines)


def FatAsync(s, c):
    """bin/asynctest on a FAT volume of its own (block:ram:3): the checks of
    the RAM filesystems, then its server killed with a job pending."""
    out = s.run("run fs:root:bin/asynctest --fat block:ram:3", timeout=600)
    c.matches(out, r"^asynctest: fs:async:: [1-9]\d* checks passed, 0 failed \([1-9]\d* iterations",
              "FAT: MSG_READ_ASYNC/MSG_WRITE_ASYNC of 1 MiB while the client runs on, cancel, "
              "bad requests and buffers, ended clients")
    c.matches(out, r"^asynctest: fs:async:: server killed with a job pending: [1-9]\d* checks "
              r"passed, 0 failed$", "FAT: a server killed with a job pending: E_DEAD")


def FatSession(s, c, files):
    s.run("run fs:root:bin/blkram fs:root:disk/fat12.img fs:root:disk/fat12.img,ro "
          "fs:root:disk/junk.img fs:root:disk/async.img &")
    for _ in range(50):
        if "block:ram:" in s.run("ns"):
            break
    c.equal(s.run("mount block:ram:0 fs:disk:"), "", "mount block:ram:0 fs:disk:")
    c.matches(s.run("mount"), r"^block:ram:0 on fs:disk: \(fatfs, pid \d+\)$", "mount lists it")
    c.equal(s.run("ls fs:disk:"), "Long Name Document.txt\nNested Dir/\nREADME.TXT\n",
            "ls of the root: long names, in name order")
    c.equal(s.run("ls \"fs:disk:Nested Dir\""), "Inner Dir/\nSixty Thousand.bin\n",
            "ls of a nested directory")
    c.equal(s.run("cat \"fs:disk:Long Name Document.txt\""),
            files["Long Name Document.txt"].decode(), "cat a file with a long name")
    c.equal(s.run("cat \"fs:disk:nested dir/INNER DIR/Deep File.txt\""),
            files["Nested Dir/Inner Dir/deep file.txt"].decode(),
            "cat two directories down, names in any case")
    out = s.run("run fs:root:bin/sum \"fs:disk:Nested Dir/Sixty Thousand.bin\"")
    data = files["Nested Dir/Sixty Thousand.bin"]
    c.contains(out, "%08x %d" % (zlib.crc32(data), len(data)),
               "a 60000-byte file reads back byte for byte (CRC-32)")
    FatAsync(s, c)
    # Writes through the shell.
    s.run("echo hello from ClankerOS > \"fs:disk:A New Long File Name.txt\"")
    s.run("echo second line >> \"fs:disk:A New Long File Name.txt\"")
    c.equal(s.run("mkdir \"fs:disk:Made Here\" \"fs:disk:Made Here/And Below\""), "", "mkdir")
    s.run("echo inner > \"fs:disk:Made Here/And Below/inner file.txt\"")
    c.equal(s.run("mv fs:disk:README.TXT \"fs:disk:Made Here/readme, moved.txt\""), "",
            "mv into another directory with a new long name")
    c.equal(s.run("rm \"fs:disk:Nested Dir/Inner Dir/deep file.txt\""), "", "rm")
    c.equal(s.run("rmdir \"fs:disk:Nested Dir/Inner Dir\""), "", "rmdir")
    s.run("ps > fs:disk:ps.txt")
    s.run("rm fs:disk:ps.txt")
    c.equal(s.run("cat \"fs:disk:a new long file name.TXT\""),
            "hello from ClankerOS\nsecond line\n", "cat what was written")
    c.equal(s.run("cat fs:disk:README.TXT"), "cat: fs:disk:README.TXT: no such file\n",
            "the moved file is gone from its old name")
    c.equal(s.run("mkdir fs:disk:bad:name"), "mkdir: fs:disk:bad:name: invalid argument\n",
            "a name FAT cannot hold")
    c.equal(s.run("rmdir \"fs:disk:Made Here\""),
            "rmdir: fs:disk:Made Here: directory not empty\n", "rmdir of a full directory")
    out = s.run("run fs:root:bin/fsfill fs:disk:filler", timeout=300)
    c.matches(out, r"fsfill: fs:disk:filler: full after \d+ KiB \(error -28\)$",
              "filling the volume ends in E_NOSPC, the data intact")
    # sync prints the written sectors; umount takes the prefix away.
    before = s.seen
    c.equal(re.sub(r"^blkram: .*\n", "", s.run("sync"), flags=re.M), "", "sync")
    c.check(re.search(r"^blkram: ", s.text[before:], re.M), "sync reached the block device")
    c.equal(re.sub(r"^blkram: .*\n", "", s.run("umount fs:disk:"), flags=re.M), "",
            "umount fs:disk:")
    c.equal(s.run("ls fs:disk:"), "ls: fs:disk:: no such file\n", "gone after umount")
    c.equal(s.run("mount"), "", "mount lists nothing after umount")
    # Read-only, and a volume that does not mount.
    c.equal(s.run("mount block:ram:1 fs:ro:"), "", "mount a read-only device")
    c.equal(s.run("cat fs:ro:README.TXT"), files["README.TXT"].decode(),
            "the read-only mount reads")
    c.equal(s.run("echo x > fs:ro:new.txt"), "echo: fs:ro:new.txt: read-only\n",
            "a write to the read-only mount is E_ROFS")
    c.equal(s.run("rm fs:ro:README.TXT"), "rm: fs:ro:README.TXT: read-only\n",
            "rm on the read-only mount is E_ROFS")
    c.equal(s.run("umount fs:ro:"), "", "umount fs:ro:")
    c.equal(s.run("mount block:ram:2 fs:bad:"),
            "fatfs: block:ram:2: cannot mount: invalid argument\n"
            "mount: block:ram:2: not mounted\n", "a device without FAT: one clear line")
    c.equal(s.run("mount block:ram:9 fs:none:"),
            "fatfs: block:ram:9: cannot mount: no such file\nmount: block:ram:9: not mounted\n",
            "no such device")
    # Mounted again and left mounted: poweroff unmounts it.
    s.run("mount block:ram:0 fs:disk:")
    s.run("echo written before poweroff > fs:disk:last.txt")


def FatSuite():
    c = Checks("e2e-fat")
    extra = tempfile.mkdtemp(prefix="clankeros-fat-")
    initrd = os.path.join(BUILD, "fat-initrd.tar")
    try:
        os.makedirs(os.path.join(extra, "disk"))
        image = os.path.join(extra, "disk", "fat12.img")
        files = FatImage(image)
        open(os.path.join(extra, "disk", "junk.img"), "wb").write(bytes(65536))
        Tool("mkfs.fat", "-C", "-F", "12", "-n", "ASYNC", os.path.join(extra, "disk", "async.img"),
             "2048")
        original = os.path.join(extra, "original.img")
        shutil.copy(image, original)
        p = subprocess.run(["make", "-s", "BUILD=" + BUILD, "EXTRA=" + extra, TEST_INITRD],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if not c.check(p.returncode == 0, "initrd with the image", p.stdout.decode()):
            return c
        shutil.copy(TEST_INITRD, initrd)
        s = Session("e2e-fat", initrd=initrd)
        try:
            s.boot()
            FatSession(s, c, files)
            s.type("poweroff\n")
            c.equal(s.finish(60), 0, "poweroff (unmounting first) ends QEMU with status 0")
        except SessionError as e:
            c.check(False, "session went as planned", e)
            s.kill()
        # On the host: the image as the guest left it.
        c.check(ApplyDumps(s.text, original) > 0, "the written sectors came out")
        status, out = Tool("fsck.fat", "-n", original)
        c.check(status == 0, "fsck.fat -n finds the image clean", out)
        for name, want in (("A New Long File Name.txt", b"hello from ClankerOS\nsecond line\n"),
                           ("Made Here/And Below/inner file.txt", b"inner\n"),
                           ("Made Here/readme, moved.txt", files["README.TXT"]),
                           ("Nested Dir/Sixty Thousand.bin", files["Nested Dir/Sixty Thousand.bin"]),
                           ("last.txt", b"written before poweroff\n")):
            p = subprocess.run(["mtype", "-i", original, "::/" + name], env=MTOOLS_ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            c.check(p.returncode == 0 and p.stdout == want, "mtools reads %s exactly" % name,
                    p.stderr.decode() + repr(p.stdout[:100]))
        status, out = Tool("mdir", "-b", "-i", original, "::/")
        names = sorted(out.splitlines())
        c.equal(names, sorted(["::/A New Long File Name.txt", "::/Long Name Document.txt",
                               "::/Made Here/", "::/Nested Dir/", "::/last.txt"]),
                "mdir: the root holds exactly what it should")
        status, out = Tool("mdir", "-b", "-i", original, "::/Nested Dir")
        c.equal(out.splitlines(), ["::/Nested Dir/Sixty Thousand.bin"],
                "mdir: the removed file and directory are gone")
    finally:
        shutil.rmtree(extra)
        subprocess.run(["make", "-s", "BUILD=" + BUILD, TEST_INITRD],
                       cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return c


# --- FAT volumes on the real drivers: IDE (FAT32), NVMe (FAT16), floppy (FAT12) --

def FatDisk(path, fat, size_kib):
    """A FAT image made on the host with a long name and a nested file."""
    if os.path.exists(path):
        os.unlink(path)
    Tool("mkfs.fat", "-C", "-F", str(fat), "-n", "DISK%d" % fat, path, str(size_kib))
    host = path + ".host"
    open(host, "wb").write(b"made on the host\n")
    Tool("mmd", "-i", path, "::/Host Dir")
    Tool("mcopy", "-i", path, host, "::/Host Dir/A Long Host Name.txt")
    os.unlink(host)


FAT_DISKS = [   # (block name, prefix, FAT size, KiB, QEMU arguments)
    ("block:ide:0.0.0", "fs:d32:", 32, 65536,
     lambda p: ["-drive", "file=%s,format=raw,if=ide,index=0,media=disk" % p]),
    ("block:nvme:0", "fs:d16:", 16, 16384,
     lambda p: ["-drive", "file=%s,format=raw,if=none,id=nv0" % p,
                "-device", "nvme,serial=fat16,drive=nv0"]),
    ("block:floppy:a", "fs:d12:", 12, 1440,
     lambda p: ["-drive", "file=%s,format=raw,if=floppy,index=0" % p]),
]


def FatDisksSuite():
    """One boot with a FAT32 IDE disk, a FAT16 NVMe drive and a FAT12
    floppy: each mounted with the shell, read and written, unmounted (or
    left for poweroff to flush); then fsck.fat and mtools on the host."""
    c = Checks("e2e-fatdisks")
    directory = os.path.join(BUILD, "fatdisks-test")
    os.makedirs(directory, exist_ok=True)
    images, args = [], []
    for name, prefix, fat, kib, qemu in FAT_DISKS:
        path = os.path.join(directory, "fat%d.img" % fat)
        FatDisk(path, fat, kib)
        images.append(path)
        args += qemu(path)
    s = Session("e2e-fatdisks", extra_args=args)
    try:
        s.boot()
        c.check(WaitForDrivers(s, []) and Announced(s, r"block:floppy:a"),
                "the three drivers are up")
        for name, prefix, fat, kib, qemu in FAT_DISKS:
            what = "FAT%d on %s" % (fat, name)
            c.equal(s.run("mount %s %s" % (name, prefix)), "", "mount " + what)
            c.equal(s.run('cat "%sHost Dir/A Long Host Name.txt"' % prefix),
                    "made on the host\n", what + ": a long name made by mtools reads back")
            s.run('mkdir "%sMade Here"' % prefix)
            s.run('echo written by ClankerOS > "%sMade Here/A New Long Name.txt"' % prefix)
            s.run('echo second line >> "%sMade Here/A New Long Name.txt"' % prefix)
            s.run('echo gone soon > "%sremoved.txt"' % prefix)
            s.run('rm "%sremoved.txt"' % prefix)
            c.equal(s.run('ls "%sMade Here"' % prefix), "A New Long Name.txt\n",
                    what + ": the new directory lists the new file")
        out = s.run('run posix:vfs:/bin/pxmount fs:d32: "Host Dir/A Long Host Name.txt" '
                    '"made on the host"', timeout=120)
        c.matches(out, r"^pxmount: [1-9]\d* passed, 0 failed$",
                  "a Linux program mounts fs:d32: at /mnt/disk (mount, umount2, EBUSY)")
        c.equal(s.run("sync fs:d32:"), "", "sync fs:d32:")
        c.equal(s.run("umount fs:d16:"), "", "umount fs:d16:")
        c.check("fs:d16:" not in s.run("ns"), "fs:d16: is gone after umount")
        s.type("poweroff\n")                   # fs:d32: and fs:d12: are flushed by poweroff
        c.equal(s.finish(60), 0, "poweroff (unmounting first) ends QEMU with status 0")
    except SessionError as e:
        c.check(False, "session went as planned", e)
        s.kill()
    for (name, prefix, fat, kib, qemu), path in zip(FAT_DISKS, images):
        what = "FAT%d (%s)" % (fat, name)
        status, out = Tool("fsck.fat", "-n", path)
        c.check(status == 0, what + ": fsck.fat -n finds the image clean", out)
        status, out = Tool("mtype", "-i", path, "::/Made Here/A New Long Name.txt")
        c.equal(out, "written by ClankerOS\nsecond line\n", what + ": mtools reads the new file")
        status, out = Tool("mdir", "-b", "-i", path, "::/")
        c.check("removed.txt" not in out and "Made Here" in out,
                what + ": the removed file is gone, the new directory there", out)
    status, out = Tool("mtype", "-i", images[0], "::/posix made.txt")
    c.equal(out, "made through POSIX\n", "FAT32: the file the Linux program wrote is there")
    return c


def ForeignSuite():
    """Linux programs built elsewhere: Debian's static busybox (i386), bash
    (bash-static, glibc) and sash (glibc)."""
    c = Checks("e2e-foreign")
    extra = os.path.join(BUILD, "foreign")
    hello = open(os.path.join(ROOT, "initrd", "hello.txt")).read()
    if not c.check(all(os.path.exists(os.path.join(extra, "bin", name))
                       for name in ("busybox", "bash", "sash")),
                   "busybox, bash and sash fetched (tools/foreign-binaries.sh)"):
        return c
    status, out = MakeRun("run posix:vfs:/bin/busybox echo hello from busybox\n"
                          "run posix:vfs:/bin/busybox uname -s -m\n"
                          "run posix:vfs:/bin/busybox cat /hello.txt\n"
                          "run posix:vfs:/bin/busybox ls /etc\n"
                          "run posix:vfs:/bin/busybox wc -l /etc/boot.conf\n"
                          "run fs:root:bin/busybox sh -c \"echo $((6 * 7))\"\n"
                          "run posix:vfs:/bin/busybox false\n"
                          "echo after busybox\n"
                          "run posix:vfs:/bin/bash -c 'x=$(echo sub); echo got $x; "
                          "echo one two three | /bin/busybox wc -w; (exit 7); echo status $?'\n"
                          "run posix:vfs:/bin/bash -c 'trap \"echo caught USR1\" USR1; "
                          "kill -USR1 $$; echo after the trap'\n"
                          "run posix:vfs:/bin/bash -c 'for f in /etc/*; do echo file $f; done; "
                          "echo through a file > /tmp/b.txt; /bin/busybox cat /tmp/b.txt; "
                          "echo hidden > /dev/null; /bin/busybox cat /nothing 2>/dev/null; exit 3'\n"
                          'run posix:vfs:/bin/sash -c "-ls /etc"\n'
                          "poweroff\n", extra)
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
    c.contains(out, "\ngot sub\n3\nstatus 7\n",
               "bash: command substitution, a pipeline into busybox, a subshell's status")
    c.contains(out, "\ncaught USR1\nafter the trap\n", "bash: a trap runs for kill -USR1 $$")
    c.contains(out, "\nfile /etc/boot.conf\nfile /etc/group\nfile /etc/passwd\nthrough a file\nrun: posix:vfs:/bin/bash: exit code 3\n",
               "bash: a glob, a redirection to /tmp, an exit code")
    c.contains(out, '-ls /etc"\n.\n..\nboot.conf\ngroup\npasswd\n', "sash -ls /etc")
    return c


# --- block devices: NVMe and floppy (drivers/) --------------------------------

def MakeImage(name, size, seed, sector_size):
    """An image in $BUILD filled with seed's pattern; returns its path."""
    path = os.path.join(BUILD, name)
    with open(path, "wb") as f:
        f.write(PatternBytes(seed, 0, size // sector_size, sector_size))
    return path


def ImageHolds(path, seed, first, count, sector_size):
    with open(path, "rb") as f:
        f.seek(first * sector_size)
        return f.read(count * sector_size) == PatternBytes(seed, first, count, sector_size)


def Announced(s, pattern, timeout=60):
    """Whether a driver printed a line matching pattern, before or after the prompt."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with s.lock:
            if re.search(pattern, s.text, re.M):
                return True
        time.sleep(0.2)
    return False


def WaitForDrivers(s, gone):
    """Wait (at most 30 s) until the drivers in gone have exited (they found nothing)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ps = s.run("ps")
        if not any(re.search(r"^\s*\d+\s+%s\s" % g, ps, re.M) for g in gone):
            return True
        time.sleep(0.5)
    return False


def Blktest(s, c, name, args, want, what, timeout=300):
    out = s.run("run fs:root:bin/blktest %s %s" % (name, args), timeout=timeout)
    return c.matches(out, want, what)


def BlockSession(name, qemu_args, body):
    """One boot with the given devices attached; body types, then poweroff."""
    c = Checks(name)
    s = Session(name, extra_args=qemu_args)
    try:
        s.boot()
        c.check(True, "boots to the shell prompt")
        body(s, c)
        s.type("poweroff\n")
        c.equal(s.finish(60), 0, "poweroff ends QEMU with status 0")
    except SessionError as e:
        c.check(False, "session went as planned", e)
        s.kill()
    return c


def NvmeSuite():
    """Two NVMe controllers: 512-byte sectors (PRP lists), and 4 KiB sectors
    with MDTS 8 KiB (requests split into several commands)."""
    small = MakeImage("nvme0.img", 1 << 20, 1, 512)
    large = MakeImage("nvme1.img", 2 << 20, 2, 4096)
    args = ["-drive", "file=%s,format=raw,if=none,id=nvme0" % small,
            "-device", "nvme,serial=clanker0,drive=nvme0",
            "-drive", "file=%s,format=raw,if=none,id=nvme1" % large,
            "-device", "nvme,serial=clanker1,drive=nvme1,mdts=1,"
                       "logical_block_size=4096,physical_block_size=4096"]

    def Body(s, c):
        c.check(Announced(s, r"(^|clanker> )nvme: block:nvme:0: QEMU NVMe Ctrl, 2048 sectors of 512 bytes\n"
                             r"nvme: block:nvme:1: QEMU NVMe Ctrl, 512 sectors of 4096 bytes$"),
                "the driver announces both controllers", s.text)
        c.check(WaitForDrivers(s, ["floppy"]), "the floppy driver, with no disk, ends")
        c.equal(s.run("ls block:"), "ide:0.1.0\nnvme:0\nnvme:1\n",
                "ls block: shows exactly the two controllers (and QEMU's own empty CD drive)")
        c.equal(s.run("ls block:nvme:"), "0\n1\n", "ls block:nvme: lists both")
        c.equal(s.run("ls block:nvme:0"), "ls: block:nvme:0: not a directory\n",
                "a device is not a directory")
        c.equal(s.run("ls block:floppy:"), "ls: block:floppy:: no such file\n",
                "no floppy prefix without a floppy disk")
        Blktest(s, c, "block:nvme:0", "info",
                r'^blktest: block:nvme:0: 2048 sectors of 512 bytes \(1024 KiB\), flags 0x0, '
                r'model "QEMU NVMe Ctrl"$', "nvme:0 info: size, sector size, model")
        Blktest(s, c, "block:nvme:1", "info",
                r"^blktest: block:nvme:1: 512 sectors of 4096 bytes \(2048 KiB\), flags 0x0",
                "nvme:1 info: 4 KiB sectors")
        Blktest(s, c, "block:nvme:0", "check 0 2048 1",
                r"^blktest: block:nvme:0: check: 2048 sectors from 0 match seed 1$",
                "nvme:0 reads the whole image as the host wrote it")
        Blktest(s, c, "block:nvme:1", "check 0 512 2",
                r"^blktest: block:nvme:1: check: 512 sectors from 0 match seed 2$",
                "nvme:1 reads the whole image (split at MDTS) as the host wrote it")
        Blktest(s, c, "block:nvme:0", "pattern 100 300 11",
                r"^blktest: block:nvme:0: pattern: 300 sectors from 100 match seed 11$",
                "nvme:0 pattern over 300 sectors (60 KiB requests) written, synced, read back")
        Blktest(s, c, "block:nvme:1", "pattern 7 40 12",
                r"^blktest: block:nvme:1: pattern: 40 sectors from 7 match seed 12$",
                "nvme:1 pattern over 40 sectors of 4 KiB")
        for dev in ("block:nvme:0", "block:nvme:1"):
            Blktest(s, c, dev, "errors", r"^blktest: %s: errors: [1-9]\d* passed, 0 failed$" % dev,
                    "%s: every error of the block protocol" % dev)
        c.equal(s.run("cat block:nvme:0"), "cat: block:nvme:0: invalid argument\n",
                "a filesystem read of a device is refused")
        c.equal(s.run("cat block:nvme:"), "cat: block:nvme:: no such file\n",
                "the prefix itself is no device")

    c = BlockSession("e2e-nvme", args, Body)
    c.check(ImageHolds(small, 11, 100, 300, 512), "nvme0.img holds the pattern at sectors 100-399")
    c.check(ImageHolds(small, 1, 0, 100, 512) and ImageHolds(small, 1, 400, 1648, 512),
            "nvme0.img is untouched outside them")
    c.check(ImageHolds(large, 12, 7, 40, 4096), "nvme1.img holds the pattern at 4 KiB sectors 7-46")
    c.check(ImageHolds(large, 2, 0, 7, 4096) and ImageHolds(large, 2, 47, 465, 4096),
            "nvme1.img is untouched outside them")
    return c


def FloppySuite():
    """Drive A writable, drive B attached read-only."""
    a = MakeImage("floppy-a.img", 1474560, 3, 512)
    b = MakeImage("floppy-b.img", 1474560, 4, 512)
    args = ["-drive", "file=%s,format=raw,if=floppy,index=0" % a,
            "-drive", "file=%s,format=raw,if=floppy,index=1,readonly=on" % b]

    def Body(s, c):
        c.check(Announced(s, r"(^|clanker> )floppy: block:floppy:a: 2880 sectors of 512 bytes\n"
                             r"floppy: block:floppy:b: 2880 sectors of 512 bytes, write-protected$"),
                "the driver announces drive A, and drive B as write-protected", s.text)
        c.check(WaitForDrivers(s, ["nvme"]), "the NVMe driver, with no controller, ends")
        c.equal(s.run("ls block:"), "floppy:a\nfloppy:b\nide:0.1.0\n",
                "ls block: shows exactly the two drives (and QEMU's own empty CD drive)")
        Blktest(s, c, "block:floppy:a", "info",
                r"^blktest: block:floppy:a: 2880 sectors of 512 bytes \(1440 KiB\), "
                r"flags 0x2 removable,", "floppy:a info: 1.44 MB, removable")
        Blktest(s, c, "block:floppy:b", "info",
                r"^blktest: block:floppy:b: 2880 sectors of 512 bytes \(1440 KiB\), "
                r"flags 0x3 read-only removable,", "floppy:b info: read-only")
        Blktest(s, c, "block:floppy:b", "check 0 2880 4",
                r"^blktest: block:floppy:b: check: 2880 sectors from 0 match seed 4$",
                "floppy:b reads the whole disk as the host wrote it")
        Blktest(s, c, "block:floppy:a", "pattern 30 100 21",
                r"^blktest: block:floppy:a: pattern: 100 sectors from 30 match seed 21$",
                "floppy:a pattern across tracks and heads written and read back")
        Blktest(s, c, "block:floppy:a", "check 2860 20 3",
                r"^blktest: block:floppy:a: check: 20 sectors from 2860 match seed 3$",
                "floppy:a reads the last cylinder")
        Blktest(s, c, "block:floppy:b", "pattern 0 4 9",
                r"^blktest: block:floppy:b: pattern: write of 4 at sector 0 failed \(-30\)$",
                "a write to the write-protected disk is E_ROFS")
        for dev in ("block:floppy:a", "block:floppy:b"):
            Blktest(s, c, dev, "errors", r"^blktest: %s: errors: [1-9]\d* passed, 0 failed$" % dev,
                    "%s: every error of the block protocol" % dev)

    c = BlockSession("e2e-floppy", args, Body)
    c.check(ImageHolds(a, 21, 30, 100, 512), "floppy-a.img holds the pattern at sectors 30-129")
    c.check(ImageHolds(a, 3, 0, 30, 512) and ImageHolds(a, 3, 130, 2750, 512),
            "floppy-a.img is untouched outside them")
    c.check(ImageHolds(b, 4, 0, 2880, 512), "floppy-b.img (read-only) is unchanged")
    return c


def main():
    suites = [ShellSuite, PipedSuite, ExtraSuite, FatSuite, PosixSuite, ForeignSuite, IdeSuite,
              NvmeSuite, FloppySuite, FatDisksSuite, ScsiSuite, UsbSuite, DesktopSuite,
              PlatformSuite, ShellplusSuite, BusyboxSuite, DisplaySuite]
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
