"""The platform suite: process contexts, pipe: and the POSIX layer's streams.

  platform  bin/ctxtest (the context calls), bin/pipetest (the pipe:
            server started by boot.conf), bin/streamtest (a Linux program
            with stdin and stdout on pipes and its cwd from the context),
            proc:PID:cwd from the shell
"""
import re

from session import Checks, Session, SessionError


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
        s.type("poweroff\n")
        c.equal(s.finish(60), 0, "poweroff ends QEMU with status 0")
    except SessionError as e:
        c.check(False, "session went as planned", e)
        s.kill()
    return c
