"""A ClankerOS session under QEMU, driven over the serial port.

Session boots the normal kernel with the test initrd (build/initrd-test.tar:
the product's files and the test programs) or another one, with the
serial port on QEMU's standard input and output, waits for the shell's prompt, and types commands the
way a person would: each command is sent only after the previous prompt
came back. Everything QEMU prints is kept (and written to a log file), so
a test can look at a command's output or wait for a line that comes later
(a background program's).

Checks counts passed and failed checks and prints one line for each, in
the same form as the other test suites.
"""
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time

PROMPT = "clanker> "
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.abspath(os.path.join(ROOT, os.environ.get("BUILD", "build")))
TEST_INITRD = os.path.join(BUILD, "initrd-test.tar")


class SessionError(Exception):
    pass


class Session:
    """vga names QEMU's -vga adapter ("std": the Bochs VBE one, which is
    also QEMU's own default); monitor=True gives QEMU a QMP socket, which
    self.monitor() reaches (tests/e2e/monitor.py: screendumps, mouse_move,
    mouse_button, sendkey); append is the kernel command line."""

    def __init__(self, name, initrd=None, memory=128, extra_args=(), vga=None, monitor=False,
                 append=None):
        self.name = name
        self.log_path = os.path.join(BUILD, "test-logs", name + ".log")
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self.log = open(self.log_path, "w", encoding="utf-8", errors="replace")
        self.text = ""
        self.seen = 0           # how much of text earlier waits consumed
        self.lock = threading.Condition()
        self.closed = False
        self.monitor_dir = self.monitor_path = self._monitor = None
        accel = os.environ.get("ACCEL", "tcg")
        args = ["qemu-system-i386", "-accel", accel, "-m", str(memory), "-display", "none",
                "-no-reboot", "-serial", "stdio",
                "-kernel", os.path.join(BUILD, "clankeros.elf"),
                "-initrd", initrd or TEST_INITRD]
        if vga:
            args += ["-vga", vga]
        if monitor:
            # A short path of its own: a unix socket's name is limited to 107 bytes.
            self.monitor_dir = tempfile.mkdtemp(prefix="clankeros-qmp-")
            self.monitor_path = os.path.join(self.monitor_dir, "qmp.sock")
            args += ["-qmp", "unix:%s,server=on,wait=off" % self.monitor_path]
        if append:
            args += ["-append", append]
        self.qemu = subprocess.Popen(
            args + list(extra_args),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        while True:
            data = self.qemu.stdout.read1(4096)
            with self.lock:
                if not data:
                    self.closed = True
                    self.lock.notify_all()
                    return
                chunk = data.decode("utf-8", errors="replace").replace("\r", "")
                self.text += chunk
                self.log.write(chunk)
                self.log.flush()
                self.lock.notify_all()

    def monitor(self):
        """The QMP monitor of a Session made with monitor=True (connected once)."""
        from monitor import Monitor
        if not self.monitor_path:
            raise SessionError("this session has no monitor")
        if not self._monitor:
            self._monitor = Monitor(self.monitor_path)
        return self._monitor

    def wait_for(self, pattern, timeout=60):
        """Wait for regex pattern after what earlier waits consumed; return the match."""
        regex = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                match = regex.search(self.text, self.seen)
                if match:
                    self.seen = match.end()
                    return match
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    raise SessionError("no /%s/ within %d s%s" % (
                        pattern, timeout, " (QEMU ended)" if self.closed else ""))
                self.lock.wait(min(left, 1.0))

    def boot(self, timeout=120):
        self.wait_for(re.escape(PROMPT) + r"\Z", timeout)

    def type(self, text):
        self.qemu.stdin.write(text.encode())
        self.qemu.stdin.flush()

    def run(self, command, timeout=120):
        """Type command, wait for the next prompt, return what it printed."""
        start = self.seen
        self.type(command + "\n")
        self.wait_for(re.escape(PROMPT) + r"\Z", timeout)
        with self.lock:
            out = self.text[start:self.seen - len(PROMPT)]
        echoed = command + "\n"
        if out.startswith(echoed):
            out = out[len(echoed):]
        return out

    def finish(self, timeout=60):
        """Wait for QEMU to end; return its exit status (None if it did not)."""
        try:
            status = self.qemu.wait(timeout)
        except subprocess.TimeoutExpired:
            self.qemu.kill()
            status = None
        self.qemu.wait()
        with self.lock:
            while not self.closed:
                self.lock.wait(1.0)
        self.log.close()
        if self._monitor:
            self._monitor.close()
        if self.monitor_dir:
            shutil.rmtree(self.monitor_dir, ignore_errors=True)
        return status

    def kill(self):
        if self.qemu.poll() is None:
            self.qemu.kill()
        return self.finish(10)


class Checks:
    def __init__(self, suite):
        self.suite = suite
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print("PASS %s: %s" % (self.suite, what))
        else:
            self.failed += 1
            print("FAIL %s: %s" % (self.suite, what))
            for line in str(detail).splitlines()[-15:]:
                print("    | " + line)
        return ok

    def equal(self, got, want, what):
        return self.check(got == want, what, "wanted:\n%s\ngot:\n%s" % (want, got))

    def contains(self, got, want, what):
        return self.check(want in got, what, "wanted to see: %r\ngot:\n%s" % (want, got))

    def matches(self, got, pattern, what):
        return self.check(re.search(pattern, got, re.M) is not None, what,
                          "wanted /%s/ in:\n%s" % (pattern, got))
