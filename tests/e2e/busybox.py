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
    ["ls", "-1", "etc"],
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


def ProcView(s, c):
    """/proc is made from proc:: ps, free, uptime, mount and top print
    what the kernel says, and /proc's files parse as Linux's do."""
    native = s.run("ps")
    out = s.run("busybox ps")
    c.check(re.search(r"^\s*1 root\s+\[proc\]$", out, re.M) is not None and
            re.search(r"^\s*\d+ root\s+bin/shell$", out, re.M) is not None and
            re.search(r"^\s*\d+ root\s+fs:root:bin/busybox ps$", out, re.M) is not None,
            "ps: kernel threads in [], programs by their arguments, itself", out)
    pids = set(re.findall(r"^\s*(\d+)\s+\S+\s+(?:running|ready|blocked)", native, re.M))
    listed = set(re.findall(r"^\s*(\d+) root", out, re.M))
    c.check(len(pids) > 5 and pids <= listed | set(), "ps: every process the kernel lists",
            "native %s, busybox %s" % (sorted(pids), sorted(listed)))
    c.check([int(p) for p in re.findall(r"^\s*(\d+) root", out, re.M)] ==
            sorted(int(p) for p in listed), "ps: in pid order", out)
    memory = s.run("cat proc:system:memory")
    total = re.search(r"total (\d+) pages", memory)
    out = s.run("busybox free")
    got = re.search(r"^Mem:\s+(\d+)\s+(\d+)\s+(\d+)", out, re.M)
    c.check(total is not None and got is not None and
            int(got.group(1)) == int(total.group(1)) * 4 and
            int(got.group(1)) == int(got.group(2)) + int(got.group(3)),
            "free: proc:'s total in KiB, used + free = total", memory + out)
    uptime = s.run("cat proc:system:uptime")
    out = s.run("busybox uptime")
    ms = re.match(r"(\d+) ms", uptime)
    up = re.search(r"up (\d+) min,\s+0 users,\s+load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d$",
                   out, re.M)
    c.check(ms is not None and up is not None and
            abs(int(up.group(1)) - int(ms.group(1)) // 60000) <= 1,
            "uptime: proc:system:uptime in minutes and the load averages", uptime + out)
    c.equal(s.run("busybox mount"),
            "fs:root: on / type clankerfs (rw)\nfs:temp: on /tmp type clankerfs (rw)\n"
            "posix:proc: on /proc type proc (ro)\nconsole: on /dev/console type devtmpfs (rw)\n"
            "null: on /dev/null type devtmpfs (rw)\n", "mount: the POSIX mount table")
    out = s.run("busybox top -b -n 1")
    c.check(re.search(r"^Mem: \d+K used, \d+K free,", out, re.M) is not None and
            re.search(r"^CPU:\s+\d+% usr\s+\d+% sys", out, re.M) is not None and
            re.search(r"^Load average: [\d.]+ [\d.]+ [\d.]+ \d+/\d+ \d+$", out, re.M) is not None and
            re.search(r"^\s*0\s+0 root\s+R\s+\d+\s+\d+%\s+\d+% \[idle\]$", out, re.M) is not None and
            re.search(r"fs:root:bin/busybox top -b -n 1$", out, re.M) is not None,
            "top -b -n 1: memory, CPU, load and the processes", out)
    out = s.run("busybox sh -c 'echo $$; read pid comm state ppid rest < /proc/self/stat; "
                "echo $pid $comm $state; readlink /proc/self; readlink /proc/$$/exe'")
    lines = out.split("\n")
    c.check(len(lines) >= 4 and lines[1] == "%s (busybox) R" % lines[0] and
            lines[2].isdigit() and int(lines[2]) > int(lines[0]) and lines[3] == "/bin/busybox",
            "/proc/self: the shell's stat to its read, readlink's own pid, the shell's exe", out)
    out = s.run("busybox sh -c 'tr \"\\000\" \" \" < /proc/$$/cmdline; echo'")
    c.equal(out, "fs:root:bin/busybox sh -c tr \"\\000\" \" \" < /proc/$$/cmdline; echo \n",
            "/proc/PID/cmdline: the arguments, NUL-ended")
    out = s.run("busybox ls -l /proc/self/fd/")
    c.check(re.search(r" 0 -> /dev/console$", out, re.M) is not None, "/proc/PID/fd/ links", out)
    out = s.run("busybox cat /proc/uptime /proc/meminfo /proc/cpuinfo /proc/loadavg")
    c.check(re.match(r"\d+\.\d\d \d+\.\d\d\nMemTotal: +\d+ kB\n", out) is not None and
            "\nvendor_id\t: " in out and "\nflags\t\t: fpu" in out,
            "/proc/uptime, meminfo, cpuinfo, loadavg", out)
    c.equal(s.run("busybox cat /proc/99999/stat"),
            "cat: can't open '/proc/99999/stat': No such file or directory\n"
            "busybox: exit code 1\n", "a pid that is not there")
    c.equal(s.run("busybox sh -c 'echo x > /proc/meminfo'"),
            "sh: can't create /proc/meminfo: Permission denied\nbusybox: exit code 1\n",
            "/proc cannot be written")
    out = s.run("cat posix:proc:self/status")
    c.check(out.startswith("Name:\tshell\n"), "posix:proc: answers native programs too", out)
    c.equal(s.run("echo x > posix:proc:meminfo"), "echo: posix:proc:meminfo: access denied\n",
            "posix:proc: is read-only for them too")


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
    # The job prints once it runs as the console's foreground (ash has
    # given it the console), and then becomes sleep; ^C is for it alone.
    s.type("sh -c 'echo job-runs; exec sleep 30'\n")
    s.wait_for(r"^job-runs\n", 60)
    s.type("\x03")
    s.wait_for(r"\^C\n+/bin # ", 30)         # typed after the prompt, as a person would
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
        ProcView(s, c)
        InteractiveShell(s, c)
        s.type("poweroff\n")
        c.equal(s.finish(60), 0, "poweroff ends QEMU with status 0")
    except SessionError as e:
        c.check(False, "session went as planned", e)
        s.kill()
    return c
