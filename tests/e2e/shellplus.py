"""The shellplus suite: the shell a new user expects.

  shellplus  pipelines on pipe: between builtins, native and Linux
             programs; < > >> for programs; cd, pwd and names relative to
             the working directory (a Linux program's getcwd and relative
             open too); PATH; ; && || $? $VAR; & with jobs and wait; ^C of
             a foreground program and pipeline, and at the prompt; the
             history (Up); Tab completion of commands and namespace names;
             error lines; and a piped `make -s run` session with a pipe,
             cd, Tab and ^C sent through tools/console-feed.
"""
import os
import re
import subprocess
import time

from session import BUILD, PROMPT, ROOT, TEST_INITRD, Checks, Session, SessionError

HELLO = None


def Hello():
    global HELLO
    if HELLO is None:
        HELLO = open(os.path.join(ROOT, "initrd", "hello.txt")).read()
    return HELLO


def Typed(s, keys, timeout=120):
    """Type keys (ending in a line end), wait for the prompt; return all
    that appeared, echo included."""
    start = s.seen
    s.type(keys)
    s.wait_for(re.escape(PROMPT) + r"\Z", timeout)
    with s.lock:
        return s.text[start:s.seen - len(PROMPT)]


def Pipelines(s, c):
    c.equal(s.run("cat root:/hello.txt | busybox wc -c"), "18\n",
            "cat root:/hello.txt | busybox wc -c prints 18")
    c.equal(s.run("echo one two three | busybox tr a-z A-Z | cat"), "ONE TWO THREE\n",
            "builtin | Linux program | builtin")
    c.equal(s.run("hello a b | busybox wc -l"), "4\n", "a native program's output into a pipe")
    c.equal(s.run("busybox ls / | cat | busybox grep -c hello.txt"), "1\n",
            "Linux | builtin | Linux")
    c.equal(s.run("cat < hello.txt | busybox wc -l"), "1\n", "< NAME on the first command")
    s.run("hello > fs:temp:o.txt")
    s.run("hello b >> fs:temp:o.txt")
    out = s.run("cat fs:temp:o.txt")
    c.check(out.count("Hello from user mode!") == 2 and out.endswith("argv[1] = b\n"),
            "> and >> for a native program (the second appends)", out)
    s.run("busybox echo linux > fs:temp:l.txt")
    s.run("busybox echo again >> fs:temp:l.txt")
    c.equal(s.run("cat fs:temp:l.txt"), "linux\nagain\n", "> and >> for a Linux program")
    c.equal(s.run("busybox seq 1 3000 | busybox tail -1"), "3000\n",
            "a pipe carries more than one buffer's worth")


def Directories(s, c):
    c.equal(s.run("pwd"), "fs:root:\n", "the working directory starts at fs:root:")
    c.equal(s.run("cd bin"), "", "cd bin")
    c.equal(s.run("pwd"), "fs:root:bin/\n", "pwd after cd bin")
    c.equal(s.run("cat ../hello.txt"), Hello(), "a relative name with ..")
    c.check("hello\n" in s.run("ls").split("\n") or "hello" in s.run("ls").split("\n"),
            "ls lists the working directory", "")
    c.equal(s.run("busybox pwd"), "/bin\n", "a Linux program's getcwd sees the working directory")
    c.equal(s.run("cd .."), "", "cd ..")
    c.equal(s.run("cd fs:temp:"), "", "cd to another server")
    s.run("echo relative > r.txt")
    c.equal(s.run("cat fs:temp:r.txt"), "relative\n", "a relative redirection target")
    c.equal(s.run("busybox cat r.txt"), "relative\n", "a Linux program opens a relative name")
    c.equal(s.run("cd nowhere"), "cd: nowhere: no such file\n", "cd to a missing directory")
    c.equal(s.run("cd fs:temp:r.txt"), "cd: fs:temp:r.txt: not a directory\n",
            "cd to a file")
    c.equal(s.run("cd -"), "", "cd - goes back")
    c.equal(s.run("pwd"), "fs:root:\n", "back at fs:root:")
    c.equal(s.run("cd; pwd"), "fs:root:home/\n", "cd alone goes home (home:/)")
    s.run("cd fs:root:")
    c.equal(s.run("bin/hello x | busybox head -1 | busybox cut -c1-21"), "Hello from user mode!\n",
            "a relative program name with a '/'")


def Paths(s, c):
    s.run("busybox cp /bin/hello /tmp/myhello")
    c.equal(s.run("myhello"), "myhello: no such command\n", "not on the default PATH")
    s.run("PATH='fs:temp:;fs:root:bin/'")
    c.check(s.run("myhello").startswith("Hello from user mode!"), "found through PATH", "")
    c.equal(s.run("echo $PATH"), "fs:temp:;fs:root:bin/\n", "$PATH is the shell's")
    s.run("PATH=fs:root:bin/")
    c.equal(s.run("myhello"), "myhello: no such command\n", "PATH set back")


def Lists(s, c):
    c.equal(s.run("nope; echo $?"), "nope: no such command\n127\n", "; and $? after a failure")
    c.equal(s.run("echo a && echo b"), "a\nb\n", "&& after a success")
    c.equal(s.run("nope || echo rescued"), "nope: no such command\nrescued\n", "|| after a failure")
    c.equal(s.run("echo a && nope && echo never; echo $?"), "a\nnope: no such command\n127\n",
            "&& stops at a failure")
    c.equal(s.run("busybox false || echo $?"), "busybox: exit code 1\n1\n",
            "$? is a program's exit code")
    c.equal(s.run("X=hello; echo $X ${X}world '$X' \"$X\""), "hello helloworld $X hello\n",
            "$VAR, ${VAR}, quoting")
    c.equal(s.run("echo a | | b"), "shell: missing command after '|'\n", "a syntax error")
    c.equal(s.run("echo $?"), "2\n", "a syntax error sets $? to 2")


def Jobs(s, c):
    out = s.run("busybox sleep 2 &")
    c.matches(out, r"^\[\d+\]$", "& prints [PID]")
    c.equal(s.run("wait; echo waited $?"), "waited 0\n", "wait waits for it")
    c.equal(s.run("jobs"), "", "and it is gone")
    out = s.run("busybox sleep 60 | busybox cat &")
    m = re.match(r"^\[(\d+)\]$", out)
    c.check(m is not None, "a pipeline in the background", out)
    c.matches(s.run("jobs"), r"^\[\d+\] running busybox sleep 60 \| busybox cat$",
              "jobs lists it running")
    if m:
        s.run("kill %s" % m.group(1))
        c.equal(s.run("wait %s; echo $?" % m.group(1)), "137\n",
                "wait PID gives its status (killed: 128 + 9)")
    c.equal(s.run("wait %9"), "wait: %9: no such job\n", "wait for a job that is not there")


def Interrupts(s, c):
    start = s.seen
    s.type("busybox sleep 60\n")
    time.sleep(3)
    s.type("\x03")
    s.wait_for(re.escape(PROMPT) + r"\Z", 30)
    out = s.text[start:s.seen]
    c.check("^C" in out and "killed by signal 2" in out, "^C ends a foreground Linux program", out)
    start = s.seen
    s.type("busybox sleep 60 | busybox cat\n")
    time.sleep(3)
    s.type("\x03")
    s.wait_for(re.escape(PROMPT) + r"\Z", 30)
    out = s.text[start:s.seen]
    c.check("^C" in out, "^C ends a whole pipeline", out)
    start = s.seen
    s.type("half a line\x03echo after\n")
    s.wait_for(r"^after\n" + re.escape(PROMPT) + r"\Z", 60)
    out = s.text[start:s.seen]
    c.check("^C\n" in out and "half a line" not in out.split("^C")[-1],
            "^C at the prompt drops the line", out)
    c.equal(s.run("echo $?"), "0\n", "and the shell runs on")


def History(s, c):
    s.run("echo remembered")
    s.run("echo other")
    out = Typed(s, "\x1b[A\x1b[A\n")
    c.check(out.endswith("remembered\n"), "Up twice brings back the command before last", out)
    out = Typed(s, "echo draft\x1b[A\x1b[B\n")
    c.check(out.endswith("draft\n"), "Down goes back to the line being typed", out)


def Completion(s, c):
    out = Typed(s, "cat fs:ro\thello.txt\n")
    c.check("cat fs:root:hello.txt\n" in out and out.endswith(Hello()),
            "Tab completes fs:ro to fs:root: (the served prefixes)", out)
    out = Typed(s, "ls fs:root:b\t\n")
    c.check("ls fs:root:bin/\n" in out and "\nhello\n" in out,
            "Tab completes fs:root:b to fs:root:bin/ (asking fs:root:)", out)
    out = Typed(s, "hell\ta\n")
    c.check("hello a\n" in out and "Hello from user mode!" in out,
            "Tab completes a command name from PATH and adds a space", out)
    out = Typed(s, "cd bi\t\n")
    c.check("cd bin/\n" in out, "Tab completes a relative name", out)
    s.run("cd fs:root:")
    out = Typed(s, "ls fs:\t\t\x15echo listed\n")
    c.check("fs:root:  fs:temp:" in out and out.endswith("listed\n"),
            "a second Tab lists the candidates", out)
    out = Typed(s, "ec\t\t\x15\n")
    c.check("echo " in out, "a builtin name completes", out)


def Errors(s, c):
    c.equal(s.run("cat nope"), "cat: fs:root:nope: no such file\n",
            "an error names the command and the full name")
    c.equal(s.run("echo $?"), "1\n", "and sets $?")
    c.equal(s.run("run fs:root:nothing | cat"), "run: fs:root:nothing: no such file\n",
            "a program that cannot start in a pipeline")


def Session1(c):
    s = Session("e2e-shellplus", extra_args=(), initrd=os.path.join(BUILD, "initrd-foreign.tar"))
    try:
        s.boot()
        c.check(True, "boots to the shell prompt")
        for part in (Pipelines, Directories, Paths, Lists, Jobs, Interrupts, History,
                     Completion, Errors):
            part(s, c)
        s.type("poweroff\n")
        c.equal(s.finish(60), 0, "poweroff ends QEMU with status 0")
    except SessionError as e:
        c.check(False, "session went as planned", e)
        s.kill()


def PipedSession(c):
    """`make -s run` with input from a pipe, written a part at a time."""
    args = ["make", "-s", "run", "BUILD=" + BUILD, "EXTRA=" + os.path.join(BUILD, "foreign")]
    p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, cwd=ROOT)
    parts = ["cat root:/hello.txt | busybox wc -c\n", "cd bin\n", "pwd\n", "busybox pwd\n",
             "cd ..\n", "cat fs:ro\thello.txt\n", "busybox sleep 60\n", "\x03", "echo back\n",
             "poweroff\n"]
    for part in parts:
        p.stdin.write(part.encode())
        p.stdin.flush()
        time.sleep(4)
    p.stdin.close()
    try:
        out = p.stdout.read().decode("utf-8", "replace").replace("\r", "")
        status = p.wait(300)
    except subprocess.TimeoutExpired:
        p.kill()
        status, out = None, ""
    open(os.path.join(BUILD, "test-logs", "e2e-shellplus-piped.log"), "w").write(out)
    c.equal(status, 0, "piped: the session ends with status 0")
    c.contains(out, "wc -c\n18\n", "piped: a pipeline")
    c.contains(out, "pwd\nfs:root:bin/\n", "piped: cd and pwd")
    c.contains(out, "busybox pwd\n/bin\n", "piped: a Linux program run by name in the new cwd")
    c.contains(out, "cat fs:root:hello.txt\n" + Hello(), "piped: Tab completion")
    c.check("^C" in out and "echo back\nback\n" in out, "piped: ^C ends the program", out)


def MakeForeignInitrd():
    """The test initrd with busybox in fs:root:bin/ (make EXTRA=build/foreign)."""
    subprocess.run(["make", "-s", "BUILD=" + BUILD, "EXTRA=" + os.path.join(BUILD, "foreign"),
                    TEST_INITRD], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    os.replace(TEST_INITRD, os.path.join(BUILD, "initrd-foreign.tar"))
    subprocess.run(["make", "-s", "BUILD=" + BUILD, TEST_INITRD],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def ShellplusSuite():
    c = Checks("e2e-shellplus")
    if not c.check(os.path.exists(os.path.join(BUILD, "foreign", "bin", "busybox")),
                   "busybox fetched (tools/foreign-binaries.sh)"):
        return c
    MakeForeignInitrd()
    Session1(c)
    PipedSession(c)
    return c
