"""The platform suite: process contexts, pipe: and the POSIX layer's streams.

  platform  bin/ctxtest (the context calls), bin/pipetest (the pipe:
            server started by boot.conf), bin/streamtest (a Linux program
            with stdin and stdout on pipes and its cwd from the context),
            proc:PID:cwd from the shell; ^C typed on the serial line: a
            native foreground program ended, a Linux one given SIGINT, the
            unfinished line before the ^C dropped and the input after it
            kept; a Linux program reading the console raw (termios);
            bin/granttest (shared memory: grants and their errors, revoke
            while mapped, grantor and grantee deaths; MSG_NOTICE order
            with requests), twice, free memory as it was after the second
"""
import re
import time

from session import PROMPT, Checks, Session, SessionError


def FreePages(s):
    m = re.search(r"free (\d+) pages", s.run("cat proc:system:memory"))
    return int(m.group(1)) if m else None


def Grants(s, c):
    """bin/granttest from the shell; the second run must leave free memory
    as the first left it (what a dying process holds for a moment is
    back within a few seconds; a leak is not)."""
    for run in ("", " again"):
        before = FreePages(s)
        out = s.run("granttest", timeout=300)
        c.matches(out, r"^granttest: [1-9]\d* checks passed$",
                  "granttest%s: grants read and written through both mappings, every bad "
                  "argument, revoke while mapped, grantor and grantee deaths, MSG_NOTICE "
                  "order" % run)
        c.matches(out, r"^pid \d+ \(granttest\): killed: Page Fault \(#PF\) at eip "
                  r"0x[0-9a-f]{8}, address 0x6[0-9a-f]{7}$",
                  "a grantee touching a revoked grant is killed with one line")
        after = FreePages(s)
        for _ in range(5):
            if after == before:
                break
            time.sleep(1)
            after = FreePages(s)
    c.check(before is not None and before == after,
            "granttest again: free pages before %s, after %s" % (before, after))
    c.equal(s.run("echo still here"), "still here\n", "the shell carries on")


def Interrupts(s, c):
    """^C on the serial line, acted on while nobody reads the console."""
    start = s.seen
    s.type("intrtest self\n")
    s.wait_for(r"^intrtest: waiting for \^C$", 60)
    s.type("dropped\x03echo after\n")
    s.wait_for(r"^after\n" + re.escape(PROMPT) + r"\Z", 60)
    out = s.text[start:s.seen]
    c.check("^C\n" in out and "killed by signal 2" in out,
            "^C ends a native foreground program (WAIT_STATUS_SIGNALED(2))", out)
    c.check("dropped" not in out and "\nclanker> echo after\nafter\n" in out,
            "the unfinished line before ^C is dropped, the line after it kept", out)
    start = s.seen
    s.type("intrtest child bin/pxhello sleep 60000\n")
    s.wait_for(r"^intrtest: waiting for \^C$", 60)
    s.type("\x03")
    s.wait_for(r"^intrtest: child status (\d+)$", 60)
    s.wait_for(re.escape(PROMPT) + r"\Z", 60)
    out = s.text[start:s.seen]
    c.check("intrtest: child status 2\n" in out and "pxhello: slept" not in out,
            "^C gives a Linux foreground program SIGINT through posix:signal", out)
    out = s.run("intrtest signal", timeout=60)
    c.check(out.endswith("env: (none)\nintrtest: signal checks passed\n"),
            "posix:signal: kill(2) for other programs, and its errors", out)
    c.equal(s.run("echo still here"), "still here\n", "the shell is not interrupted")
    start = s.seen
    s.type("\x03")
    s.wait_for(re.escape(PROMPT) + r"\Z", 60)
    out = s.text[start:s.seen]
    c.check(out.startswith("^C\n"), "^C at the prompt is the shell's: the line is dropped", out)
    c.equal(s.run("echo no foreground"), "no foreground\n", "and the shell reads on")


def RawConsole(s, c):
    """termios: ICANON off reads the bytes at hand, no line end needed."""
    start = s.seen
    s.type("pxhello raw\n")
    s.wait_for(r"^pxhello: raw$", 60)
    s.type("x")
    s.wait_for(r"^pxhello: raw read (\d+) bytes:(.*)$", 60)
    s.wait_for(re.escape(PROMPT) + r"\Z", 60)
    out = s.text[start:s.seen]
    c.check("pxhello: raw read 1 bytes: 78\n" in out, "a raw read returns the byte typed", out)
    c.equal(s.run("echo cooked again"), "cooked again\n", "the console is cooked again after")


def Programs(s, c):
    for name, timeout in (("ctxtest", 120), ("pipetest", 300), ("streamtest", 300)):
        out = s.run(name, timeout=timeout)
        c.matches(out, r"^%s: [1-9]\d* checks passed$" % name, "%s from the shell" % name)
    out = s.run("streamtest", timeout=300)
    c.check(re.search(r"^pxstream: \d+ passed, 0 failed$", out, re.M) and
            re.search(r"^pxstream: copied 204800 bytes$", out, re.M),
            "a Linux program reads a pipe and writes a pipe", out)
    c.equal(s.run("cat proc:1:cwd"), "fs:root:\n", "proc:PID:cwd")


def PlatformSuite():
    c = Checks("e2e-platform")
    s = Session("e2e-platform")
    try:
        s.boot()
        c.check(True, "boots to the shell prompt")
        Programs(s, c)
        Grants(s, c)
        Interrupts(s, c)
        RawConsole(s, c)
        s.type("poweroff\n")
        c.equal(s.finish(60), 0, "poweroff ends QEMU with status 0")
    except SessionError as e:
        c.check(False, "session went as planned", e)
        s.kill()
    return c
