"""The busybox suite: Debian's static busybox (i386) applet by applet.

  busybox  each applet runs at the native shell's prompt through the
           POSIX layer, in fs:root: (the POSIX /), with the same command
           run by the same binary on the host in a directory holding the
           same files (this x86_64 host runs static i386 programs): the
           output and exit status must agree. Applets whose output depends
           on the machine (uname, ps) are checked against what is true of
           ClankerOS instead. Where the host cannot run the binary, the
           comparisons are SKIPPED and not counted.
"""
import os
import re
import shutil
import subprocess
import tempfile

from session import BUILD, ROOT, Checks, Session, SessionError
from shellplus import MakeForeignInitrd

# Each case: argv after "busybox". Files: hello.txt, etc/boot.conf (the
# initrd's), data.txt (made by the first case).
CASES = [
    ["sh", "-c", "printf 'pear\\napple\\nfig\\napple\\n10\\n9\\n' > data.txt; echo made"],
    ["echo", "hello", "world"],
    ["printf", "%s-%d\\n", "a", "5"],
    ["cat", "hello.txt"],
    ["wc", "-l", "etc/boot.conf"],
    ["wc", "-c", "hello.txt"],
    ["head", "-3", "etc/boot.conf"],
    ["head", "-c", "5", "hello.txt"],
    ["tail", "-2", "etc/boot.conf"],
    ["sort", "data.txt"],
    ["sort", "-n", "data.txt"],
    ["sort", "-r", "data.txt"],
    ["sh", "-c", "sort data.txt | uniq -c"],
    ["cut", "-c1-5", "hello.txt"],
    ["sh", "-c", "tr a-z A-Z < hello.txt"],
    ["sh", "-c", "tr -d l < hello.txt"],
    ["grep", "-n", "kernel", "etc/boot.conf"],
    ["grep", "-c", "apple", "data.txt"],
    ["sed", "s/Hello/Bye/", "hello.txt"],
    ["awk", "{print $2}", "hello.txt"],
    ["expr", "6", "*", "7"],
    ["seq", "1", "5"],
    ["basename", "/a/b/c.txt", ".txt"],
    ["dirname", "/a/b/c.txt"],
    ["md5sum", "hello.txt"],
    ["sha1sum", "hello.txt"],
    ["sha256sum", "hello.txt"],
    ["cksum", "hello.txt"],
    ["od", "-An", "-tx1", "hello.txt"],
    ["hexdump", "-C", "hello.txt"],
    ["rev", "hello.txt"],
    ["tac", "data.txt"],
    ["nl", "data.txt"],
    ["fold", "-w", "5", "hello.txt"],
    ["base64", "hello.txt"],
    ["factor", "360"],
    ["sh", "-c", "true; echo $?; false; echo $?"],
    ["sh", "-c", "test 3 -gt 2 && echo yes"],
    ["sh", "-c", "yes x | head -3"],
    ["sh", "-c", "mkdir -p d1/d2 && ls d1 && rmdir d1/d2 d1 && echo gone"],
    ["sh", "-c", "cp hello.txt c.txt && mv c.txt m.txt && cat m.txt && rm m.txt"],
    ["sh", "-c", "touch t.txt && ls t.txt && rm t.txt"],
    ["sh", "-c", "cmp hello.txt hello.txt && echo same"],
    ["sh", "-c", "diff hello.txt hello.txt && echo nodiff"],
    ["sh", "-c", "echo a b c | xargs -n1 echo"],
    ["find", "etc", "-name", "*.conf"],
    ["sh", "-c", "echo tee-me | tee t2.txt; cat t2.txt; rm t2.txt"],
    ["sh", "-c", "dd if=hello.txt bs=5 count=1 2>/dev/null; echo"],
    ["sh", "-c", "gzip -c hello.txt | gunzip -c"],
    ["sh", "-c", "for i in 1 2 3; do echo n$i; done"],
    ["sh", "-c", "x=5; echo $((x * x))"],
    ["sh", "-c", "printf 'a\\tb\\n' | expand -t 4"],
    ["sh", "-c", "echo one two three | wc -w"],
    ["ls", "etc"],
    ["stat", "-c", "%s %F", "hello.txt"],
    ["sh", "-c", "echo abc | md5sum"],
    ["sh", "-c", "cat nothing; echo status $?"],
    ["sh", "-c", "exit 3"],
    ["sh", "-c", "rm data.txt; echo cleaned"],
]


def Quote(word):
    """A word for the native shell: single quotes, ' written as '\\''."""
    return "'" + word.replace("'", "'\\''") + "'"


def HostBusybox():
    """The path of busybox if this host runs it, else None."""
    path = os.path.join(BUILD, "foreign", "bin", "busybox")
    try:
        out = subprocess.run([path, "echo", "ok"], stdout=subprocess.PIPE, timeout=10).stdout
        return path if out == b"ok\n" else None
    except (OSError, subprocess.SubprocessError):
        return None


def HostRun(busybox, directory, argv):
    """Run busybox argv on the host in directory; its output as the shell
    would show it (a failure adds the shell's exit line)."""
    p = subprocess.run([busybox] + argv, cwd=directory, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=30)
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0:
        out += "busybox: exit code %d\n" % p.returncode
    return out


def HostDirectory():
    d = tempfile.mkdtemp(prefix="clanker-busybox-")
    shutil.copy(os.path.join(ROOT, "initrd", "hello.txt"), d)
    shutil.copytree(os.path.join(ROOT, "initrd", "etc"), os.path.join(d, "etc"))
    return d


def Applets(s, c, host):
    directory = HostDirectory() if host else None
    used = set()
    compared = 0
    try:
        for argv in CASES:
            for word in argv:
                used.update(re.findall(r"[a-z0-9]+", word))
            line = "busybox " + " ".join(Quote(w) for w in argv)
            got = s.run(line, timeout=120)
            if host:
                want = HostRun(host, directory, argv)
                c.equal(got, want, "busybox %s: as on the host" % " ".join(argv))
                compared += 1
            else:
                c.check(got != "" or argv[0] in ("true",), "busybox %s: prints" % argv[0], got)
    finally:
        if directory:
            shutil.rmtree(directory, ignore_errors=True)
    applets = used & set(APPLETS.split())
    print("busybox: %d applets in %d commands, %d compared with the host" %
          (len(applets), len(CASES), compared))
    c.check(len(applets) >= 40, "at least 40 applets exercised (%d)" % len(applets))


APPLETS = ("sh echo printf cat wc head tail sort uniq cut tr grep sed awk expr seq basename "
           "dirname md5sum sha1sum sha256sum cksum od hexdump rev tac nl fold base64 factor "
           "true false test yes mkdir ls rmdir cp mv rm touch cmp diff xargs find tee dd gzip "
           "gunzip expand stat")


def Facts(s, c):
    """Applets whose output is about the machine: checked against ClankerOS."""
    c.equal(s.run("busybox uname -s"), "ClankerOS\n", "uname -s: the system's own name")
    out = s.run("busybox sh -c 'echo $$; readlink /proc/self/exe'")
    c.check(out.endswith("/bin/busybox\n"), "readlink /proc/self/exe: the program's path", out)
    c.equal(s.run("busybox sh -c 'echo one two three | wc -w'"), "3\n",
            "busybox sh finds its applets through /proc/self/exe")
    c.equal(s.run("cd bin; busybox pwd; cd .."), "/bin\n", "pwd: the shell's working directory")
    out = s.run("busybox ls /proc")
    c.check(re.search(r"\b1\b", out) is not None, "ls /proc lists the pids", out)


def InteractiveShell(s, c):
    """busybox sh as a login shell on the console: its prompt, line
    editing, a pipe, a loop, cd, ^C of a foreground program, exit."""
    start = s.seen
    s.type("busybox sh -l\n")
    s.wait_for(r"^/ # ", 60)
    s.type("echo in-ash | wc -c\n")
    s.wait_for(r"^7\n", 60)
    s.type("for i in 1 2; do echo l$i; done\n")
    s.wait_for(r"^l1\nl2\n", 60)
    s.type("cd /bin; pwd\n")
    s.wait_for(r"^/bin\n", 60)
    s.type("echo typo\x7f\x7f\x7fpo-fixed\n")
    s.wait_for(r"^tpo-fixed\n", 60)
    s.type("sleep 30\n")
    s.wait_for(r"sleep 30\n", 60)
    s.type("\x03")
    s.type("echo survived\n")
    s.wait_for(r"^survived\n", 30)
    s.type("exit\n")
    s.wait_for(re.escape("clanker> ") + r"\Z", 60)
    out = s.text[start:s.seen]
    c.check("/bin # " in out and "^C" in out,
            "busybox sh: prompt, a pipe, a loop, cd, line editing, ^C, exit", out)


def BusyboxSuite():
    c = Checks("e2e-busybox")
    foreign = os.path.join(BUILD, "initrd-foreign.tar")
    if not c.check(os.path.exists(os.path.join(BUILD, "foreign", "bin", "busybox")),
                   "busybox fetched (tools/foreign-binaries.sh)"):
        return c
    MakeForeignInitrd()                 # always afresh: it holds this build's servers
    host = HostBusybox()
    if not host:
        print("SKIPPED e2e-busybox host comparison: this machine cannot run i386 programs")
    s = Session("e2e-busybox", initrd=foreign)
    try:
        s.boot()
        c.check(True, "boots to the shell prompt")
        Applets(s, c, host)
        Facts(s, c)
        InteractiveShell(s, c)
        s.type("poweroff\n")
        c.equal(s.finish(60), 0, "poweroff ends QEMU with status 0")
    except SessionError as e:
        c.check(False, "session went as planned", e)
        s.kill()
    return c
